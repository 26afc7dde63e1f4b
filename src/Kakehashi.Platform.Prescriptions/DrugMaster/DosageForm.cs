namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>
/// The dosage form told by the 8th character of a YJ code. The letter means different forms in
/// different routes (F is 錠 for 内用薬 but a 静注用 powder for 注射薬), so it is read with the
/// route, and named only where the 2025-07-16 list's 品名 agree almost to a product; the letter is
/// always kept, with <see cref="Name"/> null where the list shows no single form.
/// </summary>
/// <param name="Letter">The 8th character of the YJ code.</param>
/// <param name="Name">Short Japanese name, e.g. 錠.</param>
/// <param name="EnglishName">Short English name, e.g. tablet.</param>
public sealed record DosageForm(char Letter, string? Name, string? EnglishName)
{
    // Counts in comments: products of the route with that letter / of those, 品名 showing the form.
    private static readonly Dictionary<(DrugRoute, char), (string Name, string English)> Known = new()
    {
        [(DrugRoute.Internal, 'A')] = ("末", "powder"),                      // 100 / 81 末, 9 散
        [(DrugRoute.Internal, 'B')] = ("散", "powder"),                      // 172 / 159
        [(DrugRoute.Internal, 'C')] = ("細粒", "fine granules"),             // 447 / 447
        [(DrugRoute.Internal, 'D')] = ("顆粒", "granules"),                  // 426 / 369, the rest Kampo extracts
        [(DrugRoute.Internal, 'F')] = ("錠", "tablet"),                      // 4,278 / 4,267
        [(DrugRoute.Internal, 'G')] = ("徐放錠", "extended-release tablet"), // 115 / 115 (Ｒ錠, Ｌ錠, 徐放錠)
        [(DrugRoute.Internal, 'L')] = ("丸", "pill"),                        // 2 / 2
        [(DrugRoute.Internal, 'M')] = ("カプセル", "capsule"),               // 515 / 511
        [(DrugRoute.Internal, 'N')] = ("徐放カプセル", "extended-release capsule"), // 44 / 44
        [(DrugRoute.Internal, 'R')] = ("ドライシロップ", "dry syrup"),       // 109 / 62 ドライシロップ, most others ＤＳ
        [(DrugRoute.Internal, 'S')] = ("内用液", "oral liquid"),             // 121 / 105
        [(DrugRoute.External, 'G')] = ("吸入剤", "inhalant"),                // 109 / 96
        [(DrugRoute.External, 'J')] = ("坐剤", "suppository"),               // 71 / 65
        [(DrugRoute.External, 'M')] = ("軟膏", "ointment"),                  // 194 / 176
        [(DrugRoute.External, 'N')] = ("クリーム", "cream"),                 // 117 / 117
        [(DrugRoute.External, 'R')] = ("スプレー", "spray"),                 // 40 / 30
        [(DrugRoute.External, 'S')] = ("貼付剤", "patch"),                   // 279: テープ, パップ, 貼付剤, パッチ, TTS
        [(DrugRoute.External, 'T')] = ("貼付剤", "patch"),                   // 17, fentanyl and other patches
        [(DrugRoute.External, 'U')] = ("貼付剤", "patch"),                   // 1
    };

    public static DosageForm Of(DrugRoute route, char letter) =>
        Known.TryGetValue((route, letter), out var form)
            ? new DosageForm(letter, form.Name, form.English)
            : new DosageForm(letter, null, null);
}
