using System.Globalization;

namespace Kakehashi.Platform.Eligibility;

/// <summary>An <see cref="EligibilityResult"/> as the compact JSON answer.</summary>
public static class EligibilityAnswers
{
    public static CheckResponse ToJson(EligibilityResult result, string? reference = null)
    {
        var match = result.Match;
        var q = match?.Qualification;
        return new CheckResponse
        {
            Status = result.Status,
            VisitDate = Date(result.VisitDate),
            CheckedAt = result.CheckedAt.ToOffset(EligibilityChecker.Japan),
            Reference = reference,
            Patient = match?.Patient is { } p ? new PatientOutput(p.Id, p.Name, p.NameKana, p.BirthDate, p.Gender) : null,
            Qualification = q is null ? null : new QualificationOutput
            {
                Coverage = "Coverage/" + q.CoverageId,
                InsuredNumber = q.Number.ToString(),
                InsurerNumber = q.Number.Insurer,
                InsurerName = q.InsurerName,
                Symbol = q.Number.Symbol.Length == 0 ? null : q.Number.Symbol,
                Number = q.Number.Number,
                Branch = q.Number.Branch!,
                InsuranceType = q.InsuranceType,
                Relationship = q.Relationship,
                ValidFrom = Date(q.ValidFrom),
                ValidUntil = q.ValidUntil is { } until ? Date(until) : null,
                CopayPercent = q.CopayPercent,
                LimitCategory = result.LimitCategoryShown && q.LimitCategory is { } limit ? new CodeOutput(limit, EligibilityCodes.LimitCategories[limit]) : null,
                SpecificDiseases = q.SpecificDiseases.Count == 0 ? null : [.. q.SpecificDiseases.Select(d => new CodeOutput(d, EligibilityCodes.SpecificDiseases.GetValueOrDefault(d, d)))],
            },
            PublicExpenses = match is null ? null : [.. result.PublicExpenses.Select(e => new PublicExpenseOutput(
                "Coverage/" + e.CoverageId, e.PayerNumber, e.RecipientNumber, Date(e.ValidFrom), e.ValidUntil is { } end ? Date(end) : null, e.CopayPercent))],
            Candidates = result.Status == EligibilityStatus.Ambiguous ? result.Candidates : null,
            Consent = result.Consent is { } c ? new ConsentOutput(c.Id, c.Categories, c.ValidFrom.ToOffset(EligibilityChecker.Japan), c.ValidUntil.ToOffset(EligibilityChecker.Japan)) : null,
        };
    }

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
