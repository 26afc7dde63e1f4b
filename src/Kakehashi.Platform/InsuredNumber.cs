using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform;

/// <summary>
/// The individual insured number (被保険者個人識別子) <c>保険者番号:記号:番号:枝番</c>, with its
/// parts already checked: a valid insurer number, a 番号, and a two-digit 枝番 (or none, for a
/// check from an old card that has no branch). <see cref="Key"/> is the canonical form the
/// qualification index is keyed on; two spellings of the same card give the same key.
/// </summary>
public sealed record InsuredNumber(string Insurer, string Symbol, string Number, string? Branch)
{
    /// <summary><c>insurer:symbol:number:branch</c> in canonical form (<see cref="InsuranceNumbers.Canonical"/>).</summary>
    public string Key => KeyPrefix + Branch;

    /// <summary>The key without the branch: every family member on one card shares it.</summary>
    public string KeyPrefix => InsuranceNumbers.CanonicalInsurer(Insurer) + ":" + InsuranceNumbers.Canonical(Symbol) + ":" + InsuranceNumbers.Canonical(Number) + ":";

    /// <summary>As written on the card and in the Coverage (not canonicalized).</summary>
    public override string ToString() => Insurer + ":" + Symbol + ":" + Number + ":" + Branch;

    /// <summary>Parses <c>insurer:symbol:number:branch</c>; refuses with 422 naming <paramref name="location"/>.</summary>
    public static InsuredNumber Parse(string? value, string location, bool branchRequired = true, HttpStatusCode status = HttpStatusCode.UnprocessableEntity)
    {
        var parts = (value ?? "").Split(':');
        if (parts.Length != 4)
        {
            throw Invalid(status, $"The insured number '{value}' must have four parts, 保険者番号:記号:番号:枝番 (記号 may be empty).", location);
        }

        return From(parts[0], parts[1], parts[2], parts[3].Length == 0 && !branchRequired ? null : parts[3], location, status);
    }

    /// <summary>Builds from the parts of an insurance card; refuses a bad part with <paramref name="status"/>.</summary>
    public static InsuredNumber From(string? insurer, string? symbol, string? number, string? branch, string location, HttpStatusCode status = HttpStatusCode.UnprocessableEntity)
    {
        insurer = (insurer ?? "").Trim();
        if (InsuranceNumbers.InsurerNumberError(insurer) is { } insurerError)
        {
            throw Invalid(status, insurerError, location);
        }

        symbol ??= "";
        number ??= "";
        if (InsuranceNumbers.Canonical(number).Length == 0)
        {
            throw Invalid(status, "The insured number needs the 番号 (number) of the insurance card.", location);
        }

        foreach (var part in new[] { symbol, number })
        {
            if (part.Contains(':', StringComparison.Ordinal) || InsuranceNumbers.Canonical(part).Length > 38)
            {
                throw Invalid(status, $"'{part}' is not a 記号 or 番号: at most 38 characters, without ':'.", location);
            }

            if (InsuranceNumbers.LooksLikeMyNumber(part))
            {
                throw Invalid(status, "The 記号 or 番号 " + InsuranceNumbers.MyNumberRefusal, location);
            }
        }

        if (branch is not null)
        {
            branch = InsuranceNumbers.Canonical(branch);
            if (InsuranceNumbers.BranchError(branch) is { } branchError)
            {
                throw Invalid(status, branchError, location);
            }
        }

        return new InsuredNumber(insurer, symbol.Trim(), number.Trim(), branch);
    }

    private static FhirException Invalid(HttpStatusCode status, string message, string location) =>
        new(status, status == HttpStatusCode.BadRequest ? OperationOutcome.IssueType.Invalid : OperationOutcome.IssueType.BusinessRule, message, location);
}
