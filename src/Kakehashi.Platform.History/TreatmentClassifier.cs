namespace Kakehashi.Platform.History;

/// <summary>
/// Which procedure lines of claims are treatment history, by their 9-digit code of the
/// 医科診療行為マスター (docs/eligibility-history.md lists the codes):
/// <list type="bullet">
/// <item>dialysis — the day codes of 人工腎臓 (J038), 腹膜灌流 (J042) and 持続緩徐式血液濾過 (J038-2), not their add-ons;</item>
/// <item>transplant — the organ, haematopoietic stem cell and corneal transplant operations;</item>
/// <item>surgery — any other code of the master's 150 block (第10部 手術 and 第11部 麻酔) except
/// add-ons (名称に「加算」) and anaesthesia or nerve blocks (「麻酔」「ブロック」), which accompany a
/// surgery rather than being one. The master carries no 区分番号, so names decide these exclusions.</item>
/// </list>
/// </summary>
public sealed class TreatmentClassifier(ProcedureMaster master)
{
    public static readonly IReadOnlySet<string> DialysisCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "140007710", // 人工腎臓（１日につき）（その他の場合）
        "140057810", "140057910", "140058010", // 人工腎臓（慢性維持透析を行った場合１）
        "140058110", "140058210", "140058310", // 人工腎臓（慢性維持透析を行った場合２）
        "140058410", "140058510", "140058610", // 人工腎臓（慢性維持透析を行った場合３）
        "140008510", // 腹膜灌流（連続携行式）
        "140008810", // 腹膜灌流（その他）
        "140029850", // 持続緩徐式血液濾過
    };

    public static readonly IReadOnlySet<string> TransplantCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "150196310", "150338610", // 同種死体腎移植術, 生体腎移植術
        "150284810", "150324410", // 生体部分肝移植術, 同種死体肝移植術
        "150322410", "150322610", // 同種心移植術, 同種心肺移植術
        "150317510", "150336610", // 同種死体肺移植術, 生体部分肺移植術
        "150324610", "150324810", // 同種死体膵移植術, 同種死体膵腎移植術
        "150225910", "150266410", "150297810", "150266310", "150349810", // 造血幹細胞移植 (骨髄 同種/自家, 末梢血幹細胞 同種/自家, 臍帯血)
        "150086210", // 角膜移植術
    };

    private const string SurgeryBlock = "150";

    private static readonly string[] NotASurgery = ["加算", "麻酔", "ブロック"];

    /// <summary>The kind of treatment, or null for a line the treatment history does not list; with the master's name of the code.</summary>
    public async Task<(TreatmentKind? Kind, string? Name)> ClassifyAsync(string code, CancellationToken cancellationToken)
    {
        var name = await master.TryNameAsync(code, cancellationToken);
        if (DialysisCodes.Contains(code))
        {
            return (TreatmentKind.Dialysis, name);
        }

        if (TransplantCodes.Contains(code))
        {
            return (TreatmentKind.Transplant, name);
        }

        // Without a name (the master not loaded) a code of the block counts as surgery: consent errs on the side of hiding.
        return code.StartsWith(SurgeryBlock, StringComparison.Ordinal) && (name is null || !NotASurgery.Any(n => name.Contains(n, StringComparison.Ordinal)))
            ? (TreatmentKind.Surgery, name)
            : (null, name);
    }

    public static bool NeedsSurgeryConsent(TreatmentKind kind) => kind is TreatmentKind.Surgery or TreatmentKind.Transplant;

    public static string Code(TreatmentKind kind) => kind switch
    {
        TreatmentKind.Surgery => "surgery",
        TreatmentKind.Transplant => "transplant",
        _ => "dialysis",
    };

    public static string Display(TreatmentKind kind) => kind switch
    {
        TreatmentKind.Surgery => "手術",
        TreatmentKind.Transplant => "移植",
        _ => "人工透析",
    };
}
