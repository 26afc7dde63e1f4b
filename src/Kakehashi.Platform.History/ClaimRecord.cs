using Hl7.Fhir.Model;

namespace Kakehashi.Platform.History;

/// <summary>
/// What the history views need of one Claim or ExplanationOfBenefit of the feed
/// (docs/eligibility-history.md). <see cref="Reference"/> is <c>ExplanationOfBenefit/{id}</c> or
/// <c>Claim/{id}</c>; <see cref="ClaimReference"/>, for an ExplanationOfBenefit, the Claim it
/// adjudicates (<c>Claim/{id}</c>), which it supersedes.
/// </summary>
public sealed record ClaimRecord(
    string Reference,
    string Status,
    string PatientId,
    string ProviderCode,
    string? ProviderName,
    string InsurerNumber,
    string? ClaimReference,
    IReadOnlyList<ClaimLine> Lines)
{
    public bool IsActive => Status == "active";
}

public enum ClaimLineKind
{
    /// <summary>A drug dispensed or administered (薬剤).</summary>
    Medication,

    /// <summary>A medical procedure of the 医科診療行為マスター (診療行為).</summary>
    Procedure,
}

/// <summary>One item of a claim: its codes and the days it was provided (dates in Japan time).</summary>
public sealed record ClaimLine(int Sequence, ClaimLineKind Kind, IReadOnlyList<Coding> Codings, string? Text, DateOnly Start, DateOnly End, Quantity? Quantity)
{
    /// <summary>The first coding in a procedure system: the 9-digit 診療行為コード.</summary>
    public string? ProcedureCode => Kind == ClaimLineKind.Procedure ? Codings.FirstOrDefault(c => ClaimFeed.IsProcedureSystem(c.System))?.Code : null;
}
