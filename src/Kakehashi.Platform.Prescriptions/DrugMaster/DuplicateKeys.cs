using System.Text;

namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>
/// What "same active ingredient, same route" (同一成分・同一投与経路の重複投薬) compares.
/// </summary>
/// <remarks>
/// <para>
/// The key is the route plus the 成分名, normalized: NFKC (417 of the 2,669 names of the
/// 2025-07-16 list change, full-width Ｌ－, ｄｌ－, ｍＴｃ and ideographic spaces; no two names
/// collide), trimmed, and without a trailing 水和物 (11 names differ only by it, e.g.
/// フェブキソスタット / フェブキソスタット水和物, each pair under one ingredient code). The name
/// and not the 7-character ingredient code, because one ingredient is often listed under several
/// codes of one route: 168 of the 2,656 single-ingredient name+route groups span more than one code
/// (アスピリン 1143001 as analgesic and 3399007 as antiplatelet, プロプラノロール塩酸塩 under 3).
/// </para>
/// <para>
/// A combination name is keyed by the ingredient code instead: 265 names (808 products) contain
/// 配合 (51, e.g. the class names 鎮咳配合剤, ピラゾロン系解熱鎮痛消炎配合剤) or the 「・」 that
/// lists ingredients (257). A class name says nothing of the composition, and a listing name is
/// written in no fixed order; the code groups exactly the products of one composition (フスコデ配合錠
/// and クロフェドリンＳ配合錠 share 2229101, the syrups 2229102). The price: 23 of the 271
/// combination name+route groups span several codes, e.g. カデュエット配合錠１番–４番 (one code a
/// strength ratio), which are then not duplicates of one another. Class names without 配合 or 「・」
/// (人工透析液, 維持液, 非ピリン系感冒剤) stay keyed by name: two maintenance infusions or two cold
/// remedies are a duplication worth showing. With this rule the list has 2,967 keys, 1,767 of them
/// shared by two products or more.
/// </para>
/// </remarks>
public static class DuplicateKeys
{
    private const string Hydrate = "水和物";

    public static string For(string ingredientName, string ingredientCode, DrugRoute route)
    {
        var name = Normalize(ingredientName);
        return IsCombination(name)
            ? $"{route}|code:{ingredientCode}"
            : $"{route}|name:{name}";
    }

    /// <summary>Whether a 成分名 names a combination (配合剤, or ingredients joined by 「・」).</summary>
    public static bool IsCombination(string ingredientName) =>
        ingredientName.Contains("配合", StringComparison.Ordinal) || ingredientName.Contains('・', StringComparison.Ordinal);

    public static string Normalize(string ingredientName)
    {
        var name = ingredientName.Normalize(NormalizationForm.FormKC).Trim();
        return name.EndsWith(Hydrate, StringComparison.Ordinal) && name.Length > Hydrate.Length
            ? name[..^Hydrate.Length]
            : name;
    }
}
