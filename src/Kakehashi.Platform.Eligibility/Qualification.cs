namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// A health-insurance qualification (資格) as the eligibility index holds it: one active
/// Coverage carrying an individual insured number. Dates are Japanese calendar dates;
/// <see cref="ValidUntil"/> is the last day covered (inclusive, as FHIR's Period.end).
/// </summary>
public sealed record Qualification(
    string CoverageId,
    InsuredNumber Number,
    string PatientId,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    int? CopayPercent,
    string? Relationship,
    string? InsuranceType,
    string? InsurerName,
    string? LimitCategory,
    IReadOnlyList<string> SpecificDiseases,
    string? CardKey);

/// <summary>A public-expense (公費) qualification: a Coverage whose payor is a 公費負担者番号.</summary>
public sealed record PublicExpense(
    string CoverageId,
    string PatientId,
    string PayerNumber,
    string? RecipientNumber,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    int? CopayPercent);

/// <summary>The codes Kakehashi defines for limit categories and specific diseases (docs/eligibility.md).</summary>
public static class EligibilityCodes
{
    /// <summary>限度額適用区分: ア–オ under 70; 現役並みⅢ–Ⅰ, 一般, 低所得Ⅱ/Ⅰ from 70.</summary>
    public static readonly IReadOnlyDictionary<string, string> LimitCategories = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["a"] = "区分ア",
        ["i"] = "区分イ",
        ["u"] = "区分ウ",
        ["e"] = "区分エ",
        ["o"] = "区分オ",
        ["genekinami-3"] = "現役並みⅢ",
        ["genekinami-2"] = "現役並みⅡ",
        ["genekinami-1"] = "現役並みⅠ",
        ["ippan"] = "一般",
        ["teishotoku-2"] = "低所得Ⅱ",
        ["teishotoku-1"] = "低所得Ⅰ",
    };

    /// <summary>特定疾病 (特定疾病療養受療証).</summary>
    public static readonly IReadOnlyDictionary<string, string> SpecificDiseases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dialysis"] = "人工腎臓を実施している慢性腎不全",
        ["hemophilia"] = "血漿分画製剤を投与している先天性血液凝固第Ⅷ因子障害又は第Ⅸ因子障害",
        ["hiv"] = "抗ウイルス剤を投与している後天性免疫不全症候群（血液凝固因子製剤の投与に起因するHIV感染症）",
    };
}
