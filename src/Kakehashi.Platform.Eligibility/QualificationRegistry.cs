using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Services;

namespace Kakehashi.Platform.Eligibility;

/// <summary>The qualification register as other services see it (<see cref="IQualificationRegistry"/>).</summary>
public sealed class QualificationRegistry(EligibilityLookup lookup) : IQualificationRegistry
{
    public Task<bool> IsKnownInsurerAsync(ISqlTransaction transaction, string insurerNumber, CancellationToken cancellationToken) =>
        QualificationIndex.IsKnownInsurerAsync(transaction.Connection, transaction.Transaction, insurerNumber, cancellationToken);

    public async Task<IReadOnlyList<string>> HoldersAsync(InsuredNumber number, CancellationToken cancellationToken) =>
        (await lookup.ByInsuredNumberAsync(number, cancellationToken)).Select(c => c.Qualification.PatientId).Distinct().ToList();

    public async Task<InsuredNumber?> InsuredNumberAsync(string patientId, DateOnly on, CancellationToken cancellationToken) =>
        (await lookup.ByPatientAsync(patientId, cancellationToken))
            .Select(c => c.Qualification)
            .Where(q => q.ValidFrom <= on && (q.ValidUntil is null || q.ValidUntil >= on))
            .OrderByDescending(q => q.ValidFrom)
            .FirstOrDefault()?.Number;

    public async Task<IReadOnlyList<string>> CardHoldersAsync(string cardKey, CancellationToken cancellationToken) =>
        (await lookup.ByCardAsync(cardKey, cancellationToken)).Select(c => c.Qualification.PatientId).Distinct().ToList();

    public Task<bool> IsInsuredByAsync(string patientId, string insurerNumber, DateTimeOffset at, CancellationToken cancellationToken) =>
        lookup.IsInsuredByAsync(patientId, insurerNumber, DateOnly.FromDateTime(at.ToOffset(JapanTime.Offset).DateTime), cancellationToken);
}
