using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// The patient a resource being written belongs to, and whether the writer may write for that
/// patient. A relative <c>Patient/{id}</c> is what the index already places (<see cref="ShardKeys"/>);
/// this also places what the index cannot: an absolute URL of a Patient stored here, and a
/// reference by identifier only (the JP-CLINS way: <c>subject.identifier</c> = the insured
/// member id) that names exactly one Patient. What names a patient but cannot be placed goes to
/// <see cref="DocumentPatients.UnlinkedKey"/>, which no consent, portal account or insurer
/// relationship opens — never to "nobody's", which every role may read.
/// </summary>
internal sealed class PatientCompartments(SearchQueryParser parser)
{
    // The elements that tie a resource to its patient (Binary: its security context).
    private static readonly string[] PatientElements = ["subject", "patient", "beneficiary", "individual", "securityContext"];

    /// <summary>The patient the resource names (<c>Patient/{id}</c> or <see cref="DocumentPatients.UnlinkedKey"/>), or null when it names none.</summary>
    public async Task<NamedPatient?> PatientOfAsync(IResourceTransaction tx, Resource resource, CancellationToken cancellationToken)
    {
        if (resource is Patient or Bundle || Find(resource) is not { } found)
        {
            // A Patient is its own compartment; a document Bundle its Composition's subject's (DocumentPatients).
            return null;
        }

        var (element, reference) = found;
        var key = await KeyOfAsync(tx, reference, cancellationToken);
        return key is null ? null : new NamedPatient(key, resource.TypeName + "." + element);
    }

    private async Task<string?> KeyOfAsync(IResourceTransaction tx, ResourceReference reference, CancellationToken cancellationToken)
    {
        if (ReferenceParts.TryParseLocal(reference.Reference, out var type, out var id))
        {
            return type == "Patient" ? "Patient/" + id : null;
        }

        if (reference.Type is { Length: > 0 } declared && declared != "Patient")
        {
            return null;
        }

        if (reference.Reference is { Length: > 0 } url)
        {
            var target = ReferenceParts.TargetTypeOf(url);
            if (url.StartsWith('#') || (target is not null && target != "Patient"))
            {
                return null;
            }

            // An absolute URL ending in Patient/{id}: this server's Patient when one has that id.
            return target == "Patient" && IdOf(url) is { } absoluteId && await tx.ReadAsync("Patient", absoluteId, cancellationToken) is { IsDeleted: false }
                ? "Patient/" + absoluteId
                : DocumentPatients.UnlinkedKey;
        }

        if (reference.Identifier is { Value: { Length: > 0 } value } identifier)
        {
            var token = (identifier.System is { Length: > 0 } system ? Escape(system) + "|" : "") + Escape(value);
            var query = parser.Parse("Patient", [new("identifier", token)], lenient: false) with { Count = 2, Offset = 0 };
            var page = await tx.SearchAsync(query, cancellationToken);
            return page.Matches.Count == 1 ? "Patient/" + page.Matches[0].Id : DocumentPatients.UnlinkedKey;
        }

        return null;
    }

    /// <summary>
    /// A caller whose sight is restricted writes only for patients it can see. A hidden patient
    /// and one that does not exist get the same answer, so a write is no existence oracle.
    /// </summary>
    public static async System.Threading.Tasks.Task RequireVisibleAsync(IResourceTransaction tx, Resource resource, NamedPatient? patient, AccessRestriction? restriction, CancellationToken cancellationToken)
    {
        if (restriction is null || patient is null || patient.Key == DocumentPatients.UnlinkedKey)
        {
            return;
        }

        var query = SearchQuery.ById("Patient", patient.Key["Patient/".Length..]) with { Restriction = restriction };
        if ((await tx.SearchAsync(query, cancellationToken)).Matches.Count == 0)
        {
            throw FhirException.Unprocessable($"This {resource.TypeName} is about {patient.Key}, which is not a patient known to this server.", patient.Element);
        }
    }

    /// <summary>The compartment to store: the index's, or the one placed here when the index found none.</summary>
    public static string ShardKey(Resource resource, SearchIndex index, NamedPatient? patient)
    {
        var key = ShardKeys.For(resource, index);
        return patient is not null && !key.StartsWith("Patient/", StringComparison.Ordinal) ? patient.Key : key;
    }

    private static (string Element, ResourceReference Reference)? Find(Resource resource)
    {
        foreach (var (name, value) in resource.EnumerateElements())
        {
            if (value is ResourceReference reference && Array.IndexOf(PatientElements, name) >= 0)
            {
                return (name, reference);
            }
        }

        return null;
    }

    private static string? IdOf(string url)
    {
        var parts = url.Split('/');
        var at = Array.LastIndexOf(parts, "Patient");
        return at >= 0 && at + 1 < parts.Length && ResourceIds.IsValid(parts[at + 1]) ? parts[at + 1] : null;
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)
            .Replace("|", "\\|", StringComparison.Ordinal).Replace("$", "\\$", StringComparison.Ordinal);
}

/// <summary>The patient compartment a resource names (<paramref name="Key"/>), and the element that names it (for errors).</summary>
internal sealed record NamedPatient(string Key, string Element);
