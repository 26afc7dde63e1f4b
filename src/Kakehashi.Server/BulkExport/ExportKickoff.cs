using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Platform.Hosting;
using Kakehashi.Platform.Security;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.BulkExport;

/// <summary>
/// Checks a kick-off request (<c>Prefer: respond-async</c>, <c>_type</c>, <c>_since</c>,
/// <c>_outputFormat</c>) and the caller's right to it, and turns it into a queued
/// <see cref="ExportJob"/>. The types exported are those the caller may search, by role and by
/// SMART scope, exactly as a search would allow; a listed type the caller may not search is
/// refused (403), unlisted ones are left out. Nothing is queued for a request that is refused.
/// </summary>
public sealed partial class ExportKickoff(AccessPolicy policy, IResourceStore store, FhirSerializer serializer, IOptions<ExportOptions> options, TimeProvider time)
{
    private static readonly string[] NdjsonFormats = ["application/fhir+ndjson", "application/ndjson", "ndjson"];

    private static readonly string[] Unsupported = ["_typeFilter", "_elements", "patient", "includeAssociatedData", "_until"];

    public async Task<ExportJob> PrepareAsync(HttpRequest http, AccessContext caller, string level, string? groupId, string requestUrl, CancellationToken cancellationToken)
    {
        if (!http.Headers["Prefer"].SelectMany(v => (v ?? "").Split(',')).Any(p => p.Trim().Equals("respond-async", StringComparison.OrdinalIgnoreCase)))
        {
            throw FhirException.BadRequest("A bulk export runs asynchronously: send the header 'Prefer: respond-async'.");
        }

        var listed = new List<string>();
        DateTimeOffset? since = null;
        foreach (var (key, values) in http.Query)
        {
            foreach (var value in values.Select(v => v ?? ""))
            {
                switch (key)
                {
                    case "_type":
                        listed.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                        break;
                    case "_outputFormat" when !NdjsonFormats.Contains(value, StringComparer.Ordinal):
                        throw FhirException.BadRequest($"'{value}' is not an output format of this server: use application/fhir+ndjson.", "_outputFormat");
                    case "_outputFormat":
                        break;
                    case "_since":
                        since = ParseInstant(value);
                        break;
                    case var name when Unsupported.Contains(name, StringComparer.Ordinal):
                        throw FhirException.BadRequest($"The export parameter '{name}' is not supported by this server.", name);
                    default:
                        throw FhirException.BadRequest($"'{key}' is not a parameter of $export (use _type, _since, _outputFormat).", key);
                }
            }
        }

        var types = Types(caller, listed);
        IReadOnlyList<string>? members = null;
        if (caller.Role == KnownRoles.Patient)
        {
            // "Download my data": a patient exports their own compartment and nothing else.
            members = level == ExportJob.PatientLevel && caller.PatientId is { } own
                ? ["Patient/" + own]
                : throw FhirException.Forbidden("A patient exports their own record only, with Patient/$export.");
        }
        else if (level == ExportJob.GroupLevel)
        {
            members = await MembersAsync(caller, groupId!, cancellationToken);
        }

        return new ExportJob(
            Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), ExportJob.OwnerOf(caller), JobCaller.Serialize(caller), requestUrl, level,
            members, types, since, ExportJob.Queued, time.GetUtcNow(), "", "", 0, time.GetUtcNow(), null);
    }

    private List<string> Types(AccessContext caller, List<string> listed)
    {
        foreach (var type in listed.Where(t => !ModelInfo.IsKnownResource(t)))
        {
            throw FhirException.BadRequest($"'{type}' is not a resource type.", "_type");
        }

        foreach (var type in listed.Where(t => !MaySearch(caller, t)))
        {
            throw FhirException.Forbidden($"The role '{caller.Role}' with these scopes may not search {type}, so it cannot export it.");
        }

        foreach (var type in listed.Where(t => IsNarrowed(caller, t)))
        {
            throw FhirException.Forbidden($"The access token allows only part of {type} (a narrowed scope), which an export cannot be limited to.");
        }

        var types = listed.Count > 0
            ? listed.Distinct(StringComparer.Ordinal)
            : ModelInfo.SupportedResources.Where(t => MaySearch(caller, t) && !IsNarrowed(caller, t));
        var result = types.Order(StringComparer.Ordinal).ToList();
        return result.Count > 0 ? result : throw FhirException.Forbidden("The caller may not search any resource type, so there is nothing to export.");
    }

    private async Task<IReadOnlyList<string>> MembersAsync(AccessContext caller, string groupId, CancellationToken cancellationToken)
    {
        if (!policy.Allows(caller.Role, "Group", 'r') || !Scoped(caller, "Group", 'r'))
        {
            throw FhirException.Forbidden($"The role '{caller.Role}' with these scopes may not read Group, so it cannot export one.");
        }

        var stored = await store.ReadAsync("Group", groupId, cancellationToken);
        if (stored is null || stored.IsDeleted)
        {
            throw FhirException.NotFound($"Group/{groupId} is not known.");
        }

        var group = (Hl7.Fhir.Model.Group)serializer.ParseJson(stored.Json);
        var members = group.Member
            .Select(m => ReferenceParts.TryParseLocal(m.Entity?.Reference, out var type, out var id) && type == "Patient" ? "Patient/" + id : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return members.Count <= options.Value.MaxGroupMembers
            ? members
            : throw FhirException.BadRequest($"Group/{groupId} has {members.Count} patients; an export takes at most {options.Value.MaxGroupMembers}.");
    }

    private bool MaySearch(AccessContext caller, string type) => policy.Allows(caller.Role, type, 's') && Scoped(caller, type, 's');

    private static bool Scoped(AccessContext caller, string type, char action) =>
        caller.Scopes.Any(s => s.Context == Context(caller) && s.Grants(type, action));

    /// <summary>Every scope that lets the caller search the type narrows it by parameters (as the guard would add to a search).</summary>
    private static bool IsNarrowed(AccessContext caller, string type)
    {
        var granting = caller.Scopes.Where(s => s.Context == Context(caller) && s.Grants(type, 's')).ToList();
        return granting.Count > 0 && granting.All(s => s.Narrowing.Count > 0);
    }

    private static string Context(AccessContext caller) => caller.Kind switch
    {
        CallerKind.System => "system",
        CallerKind.Patient => "patient",
        _ => "user",
    };

    private static DateTimeOffset ParseInstant(string value)
    {
        // An instant: a date and a time with seconds and a zone, as FHIR defines it.
        if (InstantPattern().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var since))
        {
            return since;
        }

        throw FhirException.BadRequest($"_since '{value}' is not an instant (such as 2026-11-25T09:00:00+09:00).", "_since");
    }


    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex InstantPattern();
}
