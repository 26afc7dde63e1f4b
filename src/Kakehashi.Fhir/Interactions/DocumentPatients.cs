using System.Text.Json;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// The patient compartment of a FHIR document (a Bundle of type <c>document</c>: a referral
/// letter, a discharge summary, a checkup report): the subject of its Composition, the first
/// entry. A document is patient data, so it must sit in its patient's compartment for consent
/// and the patient portal to apply to it; when the subject is a patient this server cannot
/// name — a <c>urn:uuid</c> Patient inside the document, an absolute URL of another server, an
/// identifier only — the document still belongs to <i>a</i> patient: <see cref="UnlinkedKey"/>,
/// which no consent and no portal account ever opens (only its author organization and roles
/// not bound by consent see it). To link a document to the platform's patient, its
/// Composition's subject is the relative reference <c>Patient/{id}</c>.
/// </summary>
public static class DocumentPatients
{
    /// <summary>The compartment of a patient's document whose patient the server cannot name.</summary>
    public const string UnlinkedKey = "Patient/";

    /// <summary><c>Patient/{id}</c>, <see cref="UnlinkedKey"/>, or null when the Bundle is not a document about a patient.</summary>
    public static string? KeyOf(Bundle bundle)
    {
        if (bundle.Type != Bundle.BundleType.Document)
        {
            return null;
        }

        if (bundle.Entry.FirstOrDefault()?.Resource is not Composition composition)
        {
            // A document without its Composition cannot say whose it is: treat it as a patient's.
            return UnlinkedKey;
        }

        var subject = composition.Subject;
        if (subject is null)
        {
            return null;
        }

        return Resolve(subject.Reference, subject.Type, fullUrl => bundle.Entry.FirstOrDefault(e => e.FullUrl == fullUrl)?.Resource?.TypeName);
    }

    /// <summary>The same as <see cref="KeyOf(Bundle)"/>, from the stored JSON of a Bundle.</summary>
    public static string? KeyOfJson(JsonElement bundle)
    {
        if (bundle.ValueKind != JsonValueKind.Object || Text(bundle, "type") != "document")
        {
            return null;
        }

        if (!bundle.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array || entries.GetArrayLength() == 0
            || !entries[0].TryGetProperty("resource", out var composition) || Text(composition, "resourceType") != "Composition")
        {
            return UnlinkedKey;
        }

        if (!composition.TryGetProperty("subject", out var subject) || subject.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return Resolve(Text(subject, "reference"), Text(subject, "type"), fullUrl =>
        {
            foreach (var entry in entries.EnumerateArray())
            {
                if (Text(entry, "fullUrl") == fullUrl && entry.TryGetProperty("resource", out var resource))
                {
                    return Text(resource, "resourceType");
                }
            }

            return null;
        });
    }

    /// <summary>
    /// A local <c>Patient/{id}</c> names the patient; a reference to another type (or to an entry
    /// that is not a Patient) is not about a patient; anything else about a patient, or that
    /// cannot be resolved, is <see cref="UnlinkedKey"/> — never "nobody's", which everyone may read.
    /// </summary>
    private static string? Resolve(string? reference, string? declaredType, Func<string, string?> entryTypeOf)
    {
        if (ReferenceParts.TryParseLocal(reference, out var type, out var id))
        {
            return type == "Patient" ? "Patient/" + id : null;
        }

        if (declaredType is { Length: > 0 } && declaredType != "Patient")
        {
            return null;
        }

        if (!string.IsNullOrEmpty(reference) && entryTypeOf(reference) is { } entryType && entryType != "Patient")
        {
            return null;
        }

        return UnlinkedKey;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
