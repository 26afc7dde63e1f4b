using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Services;

/// <summary>
/// What other services ask of the qualification register (資格情報), which the eligibility
/// service keeps: claims and checkup reports name insurers and insured persons, and must not
/// read the eligibility service's tables themselves.
/// </summary>
public interface IQualificationRegistry
{
    /// <summary>True when an insurer with this number (8 digits, or 6 for 国保) is registered on the platform.</summary>
    Task<bool> IsKnownInsurerAsync(ISqlTransaction transaction, string insurerNumber, CancellationToken cancellationToken);

    /// <summary>
    /// The patients holding a qualification under <paramref name="number"/>: one, or every
    /// family member on the card when the number has no branch (枝番).
    /// </summary>
    Task<IReadOnlyList<string>> HoldersAsync(InsuredNumber number, CancellationToken cancellationToken);

    /// <summary>
    /// The insured number of the patient's qualification in force on <paramref name="on"/> (the one
    /// begun last when several are), or null: a document names its patient by it.
    /// </summary>
    Task<InsuredNumber?> InsuredNumberAsync(string patientId, DateOnly on, CancellationToken cancellationToken);

    /// <summary>The patients a My Number card is linked to (by its <see cref="CardKeys"/> key): one, normally.</summary>
    Task<IReadOnlyList<string>> CardHoldersAsync(string cardKey, CancellationToken cancellationToken);

    /// <summary>
    /// True when the patient is insured by this insurer (8 digits, or 6 for 国保) on the day of
    /// <paramref name="at"/> in Japan: a live health-insurance Coverage of the patient under the
    /// insurer's number whose period covers that day. An ended or future qualification, or one of
    /// a deleted or cancelled Coverage, is not.
    /// </summary>
    Task<bool> IsInsuredByAsync(string patientId, string insurerNumber, DateTimeOffset at, CancellationToken cancellationToken);
}
