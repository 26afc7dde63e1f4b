using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// A patient's own consents, managed in the portal (docs/security/consent.md, "The patient's
/// consents"): see them, give one to an institution, narrow one (fewer categories, an earlier
/// end) and withdraw one. Each change is a new version of a FHIR Consent written through the
/// resource service, so the grant index — and with it the one SQL predicate every consent-bound
/// read is narrowed by — follows in the same transaction: the effect is immediate.
/// </summary>
public sealed class PatientConsents(ResourceService resources, SearchService search, SecurityStore store, FhirSerializer serializer, TimeProvider time)
{
    /// <summary>The longest a consent given in the portal may run: renewing it is a conscious act.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(5 * 366);

    public async Task<IReadOnlyList<PatientConsentView>> ListAsync(AccessContext patient, string baseUrl, CancellationToken cancellationToken)
    {
        var patientId = PatientOf(patient);
        var probe = new FhirRequest
        {
            Method = "GET",
            Path = "Consent",
            Query = [new("patient", "Patient/" + patientId), new("_count", "200")],
            BaseUrl = baseUrl,
            Caller = patient,
        };
        var page = await search.SearchAsync("Consent", probe, null, cancellationToken);
        var consents = page.Bundle?.Entries.Where(e => e.Stored is not null).Select(e => Parse(e.Stored!)).ToList() ?? [];
        var views = new List<PatientConsentView>();
        foreach (var consent in consents)
        {
            views.Add(await ViewAsync(consent, cancellationToken));
        }

        return [.. views.OrderByDescending(v => v.Active).ThenByDescending(v => v.End)];
    }

    public async Task<PatientConsentView> GiveAsync(AccessContext patient, string? institutionCode, IReadOnlyList<string>? categories, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var patientId = PatientOf(patient);
        var code = await KnownInstitutionAsync(institutionCode, cancellationToken);
        var now = time.GetUtcNow();
        var chosen = Categories(categories, ConsentCategories.All);
        var end = End(until, now, now + MaxDuration);
        var consent = ConsentDocument.Permit(patientId, code, chosen, now, end);
        var response = await resources.CreateAsync("Consent", consent, null, new Writer(patient, null), null, cancellationToken);
        return await ViewAsync(Parse(response.Stored!), cancellationToken);
    }

    /// <summary>Fewer categories or an earlier end; anything wider is a new consent (<see cref="GiveAsync"/>).</summary>
    public async Task<PatientConsentView> NarrowAsync(AccessContext patient, string id, IReadOnlyList<string>? categories, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var (consent, version) = await OwnAsync(patient, id, cancellationToken);
        var current = InForce(consent) ?? throw FhirException.Conflict("This consent is no longer in force; give a new one instead.");
        var chosen = Categories(categories, current.Categories);
        var now = time.GetUtcNow();
        var end = until is null ? current.End : End(until, now, current.End);
        consent.Category = [.. chosen.Select(c => new Hl7.Fhir.Model.CodeableConcept(ConsentCategories.System, c))];
        // The grant index refused a Consent without a period when it was written: one is there.
        consent.Provision!.Period!.End = new Hl7.Fhir.Model.FhirDateTime(end.ToOffset(JapanTime.Offset)).Value;
        var response = await resources.UpdateAsync("Consent", id, consent, version, new Writer(patient, null), null, cancellationToken);
        return await ViewAsync(Parse(response.Stored!), cancellationToken);
    }

    /// <summary>Ends the consent now: the institution loses sight of the data it opened at once.</summary>
    public async Task<PatientConsentView> WithdrawAsync(AccessContext patient, string id, CancellationToken cancellationToken)
    {
        var (consent, version) = await OwnAsync(patient, id, cancellationToken);
        consent.Status = Hl7.Fhir.Model.Consent.ConsentState.Inactive;
        var response = await resources.UpdateAsync("Consent", id, consent, version, new Writer(patient, null), null, cancellationToken);
        return await ViewAsync(Parse(response.Stored!), cancellationToken);
    }

    private Hl7.Fhir.Model.Consent Parse(Kakehashi.Fhir.Storage.StoredResource stored) => (Hl7.Fhir.Model.Consent)serializer.ParseJson(stored.Json);

    private static string PatientOf(AccessContext patient) =>
        patient.PatientId ?? throw FhirException.Forbidden("Only a patient linked to their record manages consents here.");

    /// <summary>The patient's own Consent; another patient's, or none, answers 404 alike.</summary>
    private async Task<(Hl7.Fhir.Model.Consent Consent, int Version)> OwnAsync(AccessContext patient, string id, CancellationToken cancellationToken)
    {
        var patientId = PatientOf(patient);
        var missing = FhirException.NotFound($"Consent/{id} is not one of your consents.");
        Kakehashi.Fhir.Storage.StoredResource stored;
        try
        {
            stored = await resources.ReadAsync("Consent", id, null, cancellationToken);
        }
        catch (FhirException)
        {
            throw missing;
        }

        var consent = Parse(stored);
        return consent.Patient?.Reference == "Patient/" + patientId ? (consent, stored.VersionId) : throw missing;
    }

    private async Task<string> KnownInstitutionAsync(string? code, CancellationToken cancellationToken)
    {
        var value = (code ?? "").Trim();
        if (!InstitutionCodes.IsValidInstitutionCode(value))
        {
            throw FhirException.Unprocessable($"'{value}' is not a 10-digit medical institution or pharmacy code with its check digit.", "institutionCode");
        }

        var organization = await store.FindOrganizationAsync(value, cancellationToken);
        if (organization is null || !KnownOrganizationKinds.UsesInstitutionCode(organization.Kind))
        {
            throw FhirException.Unprocessable($"No medical institution or pharmacy with the code {value} takes part in the platform.", "institutionCode");
        }

        return value;
    }

    private static List<string> Categories(IReadOnlyList<string>? requested, IReadOnlyList<string> allowed)
    {
        var chosen = (requested ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (chosen.Count == 0)
        {
            throw FhirException.Unprocessable("Choose at least one category (to give none, withdraw the consent).", "categories");
        }

        var outside = chosen.FirstOrDefault(c => !allowed.Contains(c));
        return outside is null
            ? chosen
            : throw FhirException.Unprocessable(ConsentCategories.All.Contains(outside)
                ? $"The category '{outside}' is not part of this consent: narrowing only takes categories away (give a new consent to add one)."
                : $"'{outside}' is not a consent category ({string.Join(", ", ConsentCategories.All)}).", "categories");
    }

    private static DateTimeOffset End(DateTimeOffset? until, DateTimeOffset now, DateTimeOffset latest)
    {
        var end = until ?? throw FhirException.Unprocessable("Say until when the consent runs.", "until");
        if (end <= now)
        {
            throw FhirException.Unprocessable("The end of a consent must be in the future (to end it now, withdraw it).", "until");
        }

        return end <= latest ? end : throw FhirException.Unprocessable($"The end may be no later than {latest.ToOffset(JapanTime.Offset):yyyy-MM-dd}.", "until");
    }

    private sealed record Grant(IReadOnlyList<string> Categories, DateTimeOffset End);

    private Grant? InForce(Hl7.Fhir.Model.Consent consent)
    {
        var grants = consent.Status == Hl7.Fhir.Model.Consent.ConsentState.Active ? ConsentReader.Grants(consent) : [];
        var now = time.GetUtcNow();
        var live = grants.Where(g => g.ValidFrom <= now && now < g.ValidUntil).ToList();
        return live.Count == 0 ? null : new Grant([.. live.Select(g => g.Category).Distinct()], live.Max(g => g.ValidUntil));
    }

    private async Task<PatientConsentView> ViewAsync(Hl7.Fhir.Model.Consent consent, CancellationToken cancellationToken)
    {
        var code = consent.Provision?.Actor.Select(a => a.Reference?.Identifier).FirstOrDefault(i => i?.System == KnownJapanSystems.InstitutionCode)?.Value ?? "";
        var organization = code.Length == 0 ? null : await store.FindOrganizationAsync(code, cancellationToken);
        var period = consent.Provision?.Period;
        var categories = consent.Category.SelectMany(c => c.Coding).Where(c => c.System == ConsentCategories.System && c.Code is not null).Select(c => c.Code!).ToList();
        var start = period?.StartElement?.ToDateTimeOffset(TimeSpan.Zero);
        var end = period?.EndElement?.ToDateTimeOffset(TimeSpan.Zero);
        var status = consent.Status == Hl7.Fhir.Model.Consent.ConsentState.Active ? (InForce(consent) is null ? (start > time.GetUtcNow() ? "future" : "ended") : "active") : "withdrawn";
        return new PatientConsentView(consent.Id ?? "", int.Parse(consent.Meta?.VersionId ?? "1", System.Globalization.CultureInfo.InvariantCulture),
            code, organization?.Name, organization?.Kind, categories, start, end, status, status == "active", consent.Meta?.LastUpdated);
    }
}

/// <summary>A consent as the portal shows it: who receives it, which categories, from when until when, and whether it is in force.</summary>
public sealed record PatientConsentView(
    string Id, int Version, string InstitutionCode, string? InstitutionName, string? InstitutionKind, IReadOnlyList<string> Categories,
    DateTimeOffset? Start, DateTimeOffset? End, string Status, bool Active, DateTimeOffset? RecordedAt);
