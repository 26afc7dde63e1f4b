using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Consent;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// Turns the consent given at the card reader into a Consent resource in the platform's consent
/// store (docs/security/consent.md): one per check, the categories agreed to, the checking
/// institution as the IRCP actor, and a start and an end. Written through the resource service,
/// so it is versioned, audited and indexed like any other write.
/// </summary>
public sealed class ConsentRecorder(ResourceService resources)
{
    public const string CategorySystem = KnownJapanSystems.ConsentCategory;

    /// <summary>The categories of the card reader's consent screen.</summary>
    public static readonly IReadOnlyList<string> ReaderCategories = ["medication", "treatment", "surgery", "checkup", "limit-certificate"];

    public const string LimitCertificate = "limit-certificate";

    /// <summary>Records the consent <paramref name="caller"/>'s institution received at its card reader (the caller writes it).</summary>
    public async Task<RecordedConsent> RecordAsync(AccessContext caller, string patientId, IReadOnlyList<string> categories, DateTimeOffset from, DateTimeOffset until, Kakehashi.Fhir.Storage.IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var institutionCode = caller.OrganizationCode ?? throw new InvalidOperationException("Reader consent is recorded for a caller with an institution code (EligibilityAccess.RequireInstitution).");
        var consent = ConsentDocument.Permit(patientId, institutionCode, categories, from, until);
        // The checking staff writes it; the qualification was found by the card itself, not by what the caller may see.
        var response = await resources.CreateAsync("Consent", consent, null, new Writer(caller, null), transaction, cancellationToken);
        return new RecordedConsent("Consent/" + response.Stored!.Id, categories, from, until);
    }
}
