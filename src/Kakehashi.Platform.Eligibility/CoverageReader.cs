using System.Globalization;
using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Reads a Coverage as a qualification registration, checking every rule of docs/eligibility.md
/// and filling in what follows from the insured number (the JP Core 記号/番号/枝番 extensions,
/// <c>dependent</c>, a payor identifier). A Coverage with an identifier in the
/// <see cref="KnownEligibilitySystems.InsuredMemberId"/> system is a health-insurance
/// qualification; one whose payor carries a 公費負担者番号 is a public-expense qualification; any
/// other Coverage (a copy inside a clinical document, an example) is an ordinary resource and
/// is returned as null. Every problem found is reported at once, in one 422.
/// </summary>
public static class CoverageReader
{
    /// <summary>A qualification read from a Coverage, and the payor Organization it names (to be checked against the insurer number).</summary>
    public sealed record Registration(Qualification? Insurance, PublicExpense? PublicExpense, string? PayorOrganizationId, bool IsActive);

    public static Registration? Read(Coverage coverage)
    {
        var issues = new List<(string Message, string Location)>();
        var memberIds = coverage.Identifier.Select((identifier, i) => (identifier, i)).Where(x => x.identifier.System == KnownEligibilitySystems.InsuredMemberId).ToList();
        var publicPayors = coverage.Payor.Select((payor, i) => (payor, i))
            .Where(x => x.payor.Identifier?.System == KnownEligibilitySystems.PublicPayerNumber).ToList();
        if (memberIds.Count == 0 && publicPayors.Count == 0)
        {
            RefuseMyNumbers(coverage, issues);
            CardIdentifier(coverage, issues);
            Throw(issues);
            return null;
        }

        if (memberIds.Count > 0 && publicPayors.Count > 0)
        {
            issues.Add(("A Coverage is either a health-insurance qualification (insured number) or a public expense (公費負担者番号), not both.", "Coverage.payor"));
            Throw(issues);
        }

        var registration = memberIds.Count > 0
            ? ReadInsurance(coverage, memberIds, issues)
            : ReadPublicExpense(coverage, publicPayors, issues);
        Throw(issues);
        return registration;
    }

    private static Registration? ReadInsurance(Coverage coverage, List<(Identifier Identifier, int Index)> memberIds, List<(string, string)> issues)
    {
        if (memberIds.Count > 1)
        {
            issues.Add(("A Coverage carries one insured number.", $"Coverage.identifier[{memberIds[1].Index}]"));
            return null;
        }

        var (memberId, index) = memberIds[0];
        InsuredNumber number;
        try
        {
            number = InsuredNumber.Parse(memberId.Value, $"Coverage.identifier[{index}].value");
        }
        catch (FhirException e)
        {
            issues.Add((e.Message, $"Coverage.identifier[{index}].value"));
            return null;
        }

        MatchOrAdd(coverage, KnownEligibilitySystems.SymbolExtension, number.Symbol, "記号", issues, addWhenEmpty: false);
        MatchOrAdd(coverage, KnownEligibilitySystems.NumberExtension, number.Number, "番号", issues, addWhenEmpty: true);
        MatchOrAdd(coverage, KnownEligibilitySystems.BranchExtension, number.Branch!, "枝番", issues, addWhenEmpty: true);
        if (string.IsNullOrEmpty(coverage.Dependent))
        {
            coverage.Dependent = number.Branch;
        }
        else if (InsuranceNumbers.Canonical(coverage.Dependent!) != number.Branch)
        {
            issues.Add(($"Coverage.dependent '{coverage.Dependent}' differs from the branch '{number.Branch}' of the insured number.", "Coverage.dependent"));
        }

        string? payorOrganization = null;
        for (var i = 0; i < coverage.Payor.Count; i++)
        {
            var payor = coverage.Payor[i];
            if (payor.Identifier?.System == KnownEligibilitySystems.InsurerNumber &&
                InsuranceNumbers.CanonicalInsurer(payor.Identifier.Value ?? "") != InsuranceNumbers.CanonicalInsurer(number.Insurer))
            {
                issues.Add(($"The payor's insurer number '{payor.Identifier.Value}' differs from the insurer number '{number.Insurer}' of the insured number.", $"Coverage.payor[{i}].identifier"));
            }

            if (payor.Reference is { } reference && reference.StartsWith("Organization/", StringComparison.Ordinal))
            {
                payorOrganization = reference["Organization/".Length..];
            }
        }

        if (coverage.Payor.Count == 0)
        {
            coverage.Payor.Add(new ResourceReference { Identifier = new Identifier(KnownEligibilitySystems.InsurerNumber, number.Insurer) });
        }

        var type = coverage.Type?.Coding.FirstOrDefault(c => c.System == KnownEligibilitySystems.InsuranceCategory)?.Code;
        if (type == "8")
        {
            issues.Add(("保険種別 8 (公費) has no insured number: register a public expense with its 公費負担者番号 as the payor identifier.", "Coverage.type"));
        }

        var patient = Beneficiary(coverage, issues);
        var (from, until) = Period(coverage, issues);
        var copay = Copay(coverage, issues);
        var limit = LimitCategory(coverage, issues);
        var diseases = SpecificDiseases(coverage, issues);
        var card = CardIdentifier(coverage, issues);
        RefuseMyNumbers(coverage, issues);
        if (patient is null || from is null)
        {
            return null;
        }

        var qualification = new Qualification(
            coverage.Id!, number, patient, from.Value, until, copay,
            coverage.Relationship?.Coding.FirstOrDefault()?.Code, type,
            coverage.Payor.Select(p => p.Display).FirstOrDefault(d => !string.IsNullOrEmpty(d)),
            limit, diseases, card);
        return new Registration(qualification, null, payorOrganization, coverage.Status == FinancialResourceStatusCodes.Active);
    }

    private static Registration? ReadPublicExpense(Coverage coverage, List<(ResourceReference Payor, int Index)> payors, List<(string, string)> issues)
    {
        if (payors.Count > 1)
        {
            issues.Add(("A public-expense Coverage has one payer (公費負担者番号).", $"Coverage.payor[{payors[1].Index}]"));
            return null;
        }

        var (payor, index) = payors[0];
        var payer = (payor.Identifier!.Value ?? "").Trim();
        if (InsuranceNumbers.PublicPayerError(payer) is { } payerError)
        {
            issues.Add((payerError, $"Coverage.payor[{index}].identifier.value"));
        }

        var recipient = coverage.SubscriberId?.Trim();
        if (string.IsNullOrEmpty(recipient))
        {
            // 医療観察法 (法別 30) has no recipient number.
            if (!payer.StartsWith("30", StringComparison.Ordinal))
            {
                issues.Add(("A public expense needs the recipient number (受給者番号, 7 digits) in Coverage.subscriberId.", "Coverage.subscriberId"));
            }

            recipient = null;
        }
        else if (InsuranceNumbers.LooksLikeMyNumber(recipient))
        {
            issues.Add(("Coverage.subscriberId " + InsuranceNumbers.MyNumberRefusal, "Coverage.subscriberId"));
        }
        else if (InsuranceNumbers.RecipientError(recipient) is { } recipientError)
        {
            issues.Add((recipientError, "Coverage.subscriberId"));
        }

        var patient = Beneficiary(coverage, issues);
        var (from, until) = Period(coverage, issues);
        var copay = Copay(coverage, issues);
        CardIdentifier(coverage, issues);
        RefuseMyNumbers(coverage, issues);
        return patient is null || from is null
            ? null
            : new Registration(null, new PublicExpense(coverage.Id!, patient, payer, recipient, from.Value, until, copay), null, coverage.Status == FinancialResourceStatusCodes.Active);
    }

    private static void MatchOrAdd(Coverage coverage, string url, string value, string name, List<(string, string)> issues, bool addWhenEmpty)
    {
        var existing = coverage.Extension.Where(e => e.Url == url).ToList();
        if (existing.Count == 0)
        {
            if (addWhenEmpty || value.Length > 0)
            {
                coverage.Extension.Add(new Extension(url, new FhirString(value)));
            }

            return;
        }

        foreach (var extension in existing)
        {
            var text = (extension.Value as FhirString)?.Value ?? "";
            if (InsuranceNumbers.Canonical(text) != InsuranceNumbers.Canonical(value))
            {
                issues.Add(($"The {name} extension '{text}' differs from the {name} '{value}' of the insured number.", $"Coverage.extension('{url}')"));
            }
        }
    }

    private static string? Beneficiary(Coverage coverage, List<(string, string)> issues)
    {
        var reference = coverage.Beneficiary?.Reference;
        if (reference is not null)
        {
            var at = reference.LastIndexOf("Patient/", StringComparison.Ordinal);
            if (at >= 0 && (at == 0 || reference[at - 1] == '/') && reference[(at + "Patient/".Length)..] is { Length: > 0 } id && !id.Contains('/', StringComparison.Ordinal))
            {
                return id;
            }
        }

        issues.Add(("A qualification needs its insured person: Coverage.beneficiary must reference a Patient (Patient/{id}).", "Coverage.beneficiary"));
        return null;
    }

    private static (DateOnly? From, DateOnly? Until) Period(Coverage coverage, List<(string, string)> issues)
    {
        var from = Date(coverage.Period?.Start);
        var until = Date(coverage.Period?.End);
        if (from is null)
        {
            issues.Add(("A qualification needs the date it starts (資格取得日) in Coverage.period.start (YYYY-MM-DD).", "Coverage.period.start"));
        }

        if (coverage.Period?.End is not null && until is null)
        {
            issues.Add(("Coverage.period.end must be a date (YYYY-MM-DD): the last day covered.", "Coverage.period.end"));
        }

        if (from is not null && until is not null && until < from)
        {
            issues.Add(("Coverage.period.end is before Coverage.period.start.", "Coverage.period"));
        }

        return (from, until);
    }

    /// <summary>The calendar date of a FHIR date or dateTime (its own date, as written: Japanese dates carry no zone).</summary>
    internal static DateOnly? Date(string? value) =>
        value is { Length: >= 10 } && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    private static int? Copay(Coverage coverage, List<(string, string)> issues)
    {
        for (var i = 0; i < coverage.CostToBeneficiary.Count; i++)
        {
            var cost = coverage.CostToBeneficiary[i];
            if (cost.Type?.Coding.Any(c => c.System == KnownEligibilitySystems.CopayType && c.Code == "copaypct") != true)
            {
                continue;
            }

            var value = (cost.Value as Quantity)?.Value;
            if (value is not { } percent || percent < 0 || percent > 100 || percent != decimal.Truncate(percent))
            {
                issues.Add(("The copay ratio (負担割合) must be a whole percentage from 0 to 100 in valueQuantity.value.", $"Coverage.costToBeneficiary[{i}].value"));
                return null;
            }

            return (int)percent;
        }

        return null;
    }

    private static string? LimitCategory(Coverage coverage, List<(string, string)> issues)
    {
        var extensions = coverage.Extension.Where(e => e.Url == KnownEligibilitySystems.LimitCategoryExtension).ToList();
        if (extensions.Count > 1)
        {
            issues.Add(("A qualification has one limit category (限度額適用区分).", "Coverage.extension"));
        }

        if (extensions.Count == 0)
        {
            return null;
        }

        var coding = extensions[0].Value as Coding;
        if (coding?.System != KnownEligibilitySystems.LimitCategorySystem || coding.Code is null || !EligibilityCodes.LimitCategories.ContainsKey(coding.Code))
        {
            issues.Add(($"The limit category must be a valueCoding in {KnownEligibilitySystems.LimitCategorySystem}: one of {string.Join(", ", EligibilityCodes.LimitCategories.Keys)}.", "Coverage.extension"));
            return null;
        }

        return coding.Code;
    }

    private static List<string> SpecificDiseases(Coverage coverage, List<(string, string)> issues)
    {
        var codes = new List<string>();
        foreach (var extension in coverage.Extension.Where(e => e.Url == KnownEligibilitySystems.SpecificDiseaseExtension))
        {
            var coding = extension.Value as Coding;
            if (coding?.System != KnownEligibilitySystems.SpecificDiseaseSystem || coding.Code is null || !EligibilityCodes.SpecificDiseases.ContainsKey(coding.Code))
            {
                issues.Add(($"A specific disease (特定疾病) must be a valueCoding in {KnownEligibilitySystems.SpecificDiseaseSystem}: one of {string.Join(", ", EligibilityCodes.SpecificDiseases.Keys)}.", "Coverage.extension"));
                continue;
            }

            if (!codes.Contains(coding.Code))
            {
                codes.Add(coding.Code);
            }
        }

        return codes;
    }

    /// <summary>Replaces a card certificate's issuer and serial by their hash; returns the card key, if any.</summary>
    private static string? CardIdentifier(Coverage coverage, List<(string, string)> issues)
    {
        string? key = null;
        for (var i = 0; i < coverage.Identifier.Count; i++)
        {
            var identifier = coverage.Identifier[i];
            var location = $"Coverage.identifier[{i}]";
            string? found = null;
            if (identifier.System == KnownEligibilitySystems.CardCertificate)
            {
                try
                {
                    found = CardKeys.FromIssuerAndSerial(identifier.Assigner?.Display, identifier.Value, location);
                }
                catch (FhirException e)
                {
                    issues.Add((e.Message, location));
                    continue;
                }

                coverage.Identifier[i] = new Identifier(KnownEligibilitySystems.CardCertificateHash, found);
            }
            else if (identifier.System == KnownEligibilitySystems.CardCertificateHash)
            {
                if (!CardKeys.IsKey(identifier.Value))
                {
                    issues.Add(("A card-certificate hash is 64 lower-case hex digits (SHA-256).", location));
                    continue;
                }

                found = identifier.Value;
            }

            if (found is not null)
            {
                if (key is not null && key != found)
                {
                    issues.Add(("A qualification is linked to one card certificate at a time.", location));
                }

                key = found;
            }
        }

        return key;
    }

    private static void RefuseMyNumbers(Coverage coverage, List<(string, string)> issues)
    {
        for (var i = 0; i < coverage.Identifier.Count; i++)
        {
            if (IsMyNumber(coverage.Identifier[i]))
            {
                issues.Add(("This identifier " + InsuranceNumbers.MyNumberRefusal, $"Coverage.identifier[{i}]"));
            }
        }

        if (InsuranceNumbers.LooksLikeMyNumber(coverage.SubscriberId))
        {
            issues.Add(("Coverage.subscriberId " + InsuranceNumbers.MyNumberRefusal, "Coverage.subscriberId"));
        }
    }

    /// <summary>An identifier that is, or says it is, a My Number (個人番号).</summary>
    public static bool IsMyNumber(Identifier identifier)
    {
        if (identifier.System is KnownEligibilitySystems.InsuredMemberId or KnownEligibilitySystems.CardCertificateHash)
        {
            return false;
        }

        var labels = string.Join(' ', new[] { identifier.System, identifier.Type?.Text }.Concat(identifier.Type?.Coding.Select(c => c.Code + " " + c.Display) ?? []));
        return InsuranceNumbers.LooksLikeMyNumber(identifier.Value) ||
               labels.Contains("マイナンバー", StringComparison.Ordinal) || labels.Contains("個人番号", StringComparison.Ordinal) ||
               labels.Contains("mynumber", StringComparison.OrdinalIgnoreCase) || labels.Contains("my-number", StringComparison.OrdinalIgnoreCase);
    }

    private static void Throw(List<(string Message, string Location)> issues)
    {
        if (issues.Count == 0)
        {
            return;
        }

        var exception = new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.BusinessRule, issues[0].Message, issues[0].Location);
        foreach (var (message, location) in issues.Skip(1))
        {
            exception.AddIssue(OperationOutcome.IssueType.BusinessRule, message, location);
        }

        throw exception;
    }
}
