using System.Net;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Patch;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// The instance- and type-level interactions: read, vread, create, update, patch and delete,
/// plain and conditional. Every write runs inside an <see cref="IResourceTransaction"/>; when
/// the caller passes none (a plain HTTP request) the service opens and commits its own.
/// </summary>
public sealed class ResourceService(
    IResourceStore store,
    FhirSerializer serializer,
    SearchIndexer indexer,
    SearchQueryParser parser,
    TimeProvider time,
    IEnumerable<IResourceWriteInterceptor>? interceptors = null)
{
    private readonly IResourceWriteInterceptor[] interceptors = [.. (interceptors ?? []).OrderBy(i => i.Stage)];

    private readonly PatientCompartments compartments = new(parser);

    public IResourceStore Store => store;

    /// <summary>Reads the current version; inside a transaction, that transaction's own writes are visible.</summary>
    public async Task<StoredResource> ReadAsync(string type, string id, IResourceTransaction? transaction, CancellationToken cancellationToken)
    {
        var stored = (transaction is null
            ? await store.ReadAsync(type, id, cancellationToken)
            : await transaction.ReadAsync(type, id, cancellationToken)) ?? throw NotFound(type, id);
        return stored.IsDeleted ? throw FhirException.Gone($"{type}/{id} has been deleted.") : stored;
    }

    public async Task<StoredResource> ReadVersionAsync(string type, string id, int versionId, CancellationToken cancellationToken)
    {
        var stored = await store.ReadVersionAsync(type, id, versionId, cancellationToken);
        if (stored is null)
        {
            throw FhirException.NotFound($"{type}/{id} has no version {versionId}.");
        }

        return stored.IsDeleted ? throw FhirException.Gone($"Version {versionId} of {type}/{id} is a deletion.") : stored;
    }

    /// <summary>A create whose If-None-Exist sees only what the <paramref name="writer"/> may see.</summary>
    public Task<FhirResponse> CreateAsync(string type, Resource resource, string? ifNoneExist, Writer writer, IResourceTransaction? transaction, CancellationToken cancellationToken) =>
        InTransactionAsync(transaction, tx => CreateCoreAsync(tx, type, resource, ifNoneExist, null, writer, cancellationToken), cancellationToken);

    /// <summary>Creates with a pre-assigned id; used by transactions, whose urn:uuid references must be resolved before writing.</summary>
    internal Task<FhirResponse> CreateWithIdAsync(IResourceTransaction transaction, string type, Resource resource, string id, Writer writer, CancellationToken cancellationToken) =>
        CreateCoreAsync(transaction, type, resource, null, id, writer, cancellationToken);

    /// <summary>An update by a <paramref name="writer"/> who may see only what its restriction lets through (see <see cref="PatientCompartments"/>).</summary>
    public Task<FhirResponse> UpdateAsync(string type, string id, Resource resource, int? ifMatch, Writer writer, IResourceTransaction? transaction, CancellationToken cancellationToken) =>
        InTransactionAsync(transaction, tx => UpdateCoreAsync(tx, type, id, resource, ifMatch, writer, cancellationToken), cancellationToken);

    public Task<FhirResponse> ConditionalUpdateAsync(string type, IReadOnlyList<KeyValuePair<string, string>> criteria, Resource resource, int? ifMatch, Writer writer, IResourceTransaction? transaction, CancellationToken cancellationToken) =>
        InTransactionAsync(transaction, async tx =>
        {
            CheckType(type, resource);
            var matches = await MatchAsync(tx, type, criteria, writer.Restriction, cancellationToken);
            switch (matches.Count)
            {
                case 0 when resource.Id is { Length: > 0 } bodyId:
                    // Update-as-create with the body's id: never onto an id already in use, seen or not.
                    await RequireUnusedIdAsync(tx, type, bodyId, cancellationToken);
                    return await UpdateCoreAsync(tx, type, bodyId, resource, ifMatch, writer, cancellationToken);
                case 0:
                    return await CreateCoreAsync(tx, type, resource, null, null, writer, cancellationToken);
                case 1:
                    var match = matches[0];
                    if (resource.Id is { Length: > 0 } id && id != match.Id)
                    {
                        throw FhirException.BadRequest($"The resource id '{id}' differs from the id '{match.Id}' of the resource matching the criteria.");
                    }

                    resource.Id = match.Id;
                    return await UpdateCoreAsync(tx, type, match.Id, resource, ifMatch, writer, cancellationToken);
                default:
                    throw MultipleMatches(type);
            }
        }, cancellationToken);

    public Task<FhirResponse> DeleteAsync(string type, string id, int? ifMatch, IResourceTransaction? transaction, CancellationToken cancellationToken) =>
        InTransactionAsync(transaction, tx => DeleteCoreAsync(tx, type, id, ifMatch, cancellationToken), cancellationToken);

    public Task<FhirResponse> ConditionalDeleteAsync(string type, IReadOnlyList<KeyValuePair<string, string>> criteria, Writer writer, IResourceTransaction? transaction, CancellationToken cancellationToken) =>
        InTransactionAsync(transaction, async tx =>
        {
            var matches = await MatchAsync(tx, type, criteria, writer.Restriction, cancellationToken);
            return matches.Count switch
            {
                0 => new FhirResponse { Status = HttpStatusCode.NoContent },
                1 => await DeleteCoreAsync(tx, type, matches[0].Id, null, cancellationToken),
                _ => throw MultipleMatches(type),
            };
        }, cancellationToken);

    public Task<FhirResponse> PatchAsync(string type, string id, PatchDocument patch, int? ifMatch, Writer writer, IResourceTransaction? transaction, CancellationToken cancellationToken) =>
        InTransactionAsync(transaction, tx => PatchCoreAsync(tx, type, id, patch, ifMatch, writer, cancellationToken), cancellationToken);

    public Task<FhirResponse> ConditionalPatchAsync(string type, IReadOnlyList<KeyValuePair<string, string>> criteria, PatchDocument patch, int? ifMatch, Writer writer, IResourceTransaction? transaction, CancellationToken cancellationToken) =>
        InTransactionAsync(transaction, async tx =>
        {
            var matches = await MatchAsync(tx, type, criteria, writer.Restriction, cancellationToken);
            return matches.Count switch
            {
                0 => throw FhirException.NotFound($"No {type} matches the patch criteria."),
                1 => await PatchCoreAsync(tx, type, matches[0].Id, patch, ifMatch, writer, cancellationToken),
                _ => throw MultipleMatches(type),
            };
        }, cancellationToken);

    /// <summary>Finds the current resources matching conditional criteria, locking the criteria so racing requests serialize.</summary>
    internal async Task<IReadOnlyList<StoredResource>> MatchAsync(IResourceTransaction tx, string type, IReadOnlyList<KeyValuePair<string, string>> criteria, AccessRestriction? restriction, CancellationToken cancellationToken)
    {
        if (criteria.Count == 0)
        {
            throw FhirException.BadRequest("A conditional interaction needs search criteria.");
        }

        // Only what the caller may see can match: a hidden resource must not turn a create into a no-op or an update into an oracle.
        var query = parser.Parse(type, criteria, lenient: false) with { Count = 2, Offset = 0, Restriction = restriction };
        var key = type + "?" + string.Join("&", criteria.OrderBy(c => c.Key, StringComparer.Ordinal).ThenBy(c => c.Value, StringComparer.Ordinal).Select(c => c.Key + "=" + c.Value));
        await tx.LockAsync(key, cancellationToken);
        var page = await tx.SearchAsync(query, cancellationToken);
        return page.Matches;
    }

    public static string NewId() => Guid.NewGuid().ToString("D");

    /// <summary>
    /// A conditional update that matched nothing may create with the body's id only if no
    /// resource ever had it (409 otherwise, as the specification says). The answer is the same
    /// whether the caller may see that resource or not, so it reveals nothing; and a hidden
    /// resource — or its deleted history — can never be taken over this way.
    /// </summary>
    internal static async System.Threading.Tasks.Task RequireUnusedIdAsync(IResourceTransaction tx, string type, string id, CancellationToken cancellationToken)
    {
        ResourceIds.Validate(id);
        if (await tx.ReadAsync(type, id, cancellationToken) is not null)
        {
            throw FhirException.Conflict($"The conditional update matched no {type}, and the id '{id}' in its body is already in use; omit the id to create a new {type}.");
        }
    }

    private async Task<FhirResponse> CreateCoreAsync(IResourceTransaction tx, string type, Resource resource, string? ifNoneExist, string? presetId, Writer writer, CancellationToken cancellationToken)
    {
        CheckType(type, resource);
        if (!string.IsNullOrEmpty(ifNoneExist))
        {
            var criteria = QueryParameters.Parse(ifNoneExist);
            var matches = await MatchAsync(tx, type, criteria, writer.Restriction, cancellationToken);
            if (matches.Count == 1)
            {
                return FhirResponse.ForStored(matches[0], HttpStatusCode.OK, isWrite: true);
            }

            if (matches.Count > 1)
            {
                throw MultipleMatches(type);
            }
        }

        // The server owns ids on create: any id in the body is ignored, as the specification requires.
        var stored = await WriteAsync(tx, resource, presetId ?? NewId(), 1, "POST", null, writer, cancellationToken);
        return FhirResponse.ForStored(stored, HttpStatusCode.Created, isWrite: true);
    }

    private async Task<FhirResponse> UpdateCoreAsync(IResourceTransaction tx, string type, string id, Resource resource, int? ifMatch, Writer writer, CancellationToken cancellationToken)
    {
        CheckType(type, resource);
        if (string.IsNullOrEmpty(resource.Id))
        {
            throw FhirException.BadRequest("An update must carry the resource id in the body.", "id");
        }

        if (resource.Id != id)
        {
            throw FhirException.BadRequest($"The id in the body ('{resource.Id}') does not match the id in the URL ('{id}').", "id");
        }

        ResourceIds.Validate(id);
        var current = await tx.ReadAsync(type, id, cancellationToken);
        CheckIfMatch(type, id, current, ifMatch);
        var created = current is null || current.IsDeleted;
        var stored = await WriteAsync(tx, resource, id, (current?.VersionId ?? 0) + 1, "PUT", created ? null : current, writer, cancellationToken);
        return FhirResponse.ForStored(stored, created ? HttpStatusCode.Created : HttpStatusCode.OK, isWrite: true);
    }

    private async Task<FhirResponse> DeleteCoreAsync(IResourceTransaction tx, string type, string id, int? ifMatch, CancellationToken cancellationToken)
    {
        var current = await tx.ReadAsync(type, id, cancellationToken);
        CheckIfMatch(type, id, current, ifMatch);
        if (current is null || current.IsDeleted)
        {
            // Deleting what does not exist (any more) succeeds and writes nothing: delete is idempotent.
            return new FhirResponse { Status = HttpStatusCode.NoContent };
        }

        var tombstone = new ResourceWrite(type, id, current.VersionId + 1, Now(), true, [], SearchIndex.Empty, "", "DELETE");
        await tx.WriteAsync(tombstone, cancellationToken);
        return new FhirResponse
        {
            Status = HttpStatusCode.NoContent,
            Stored = new StoredResource(type, id, tombstone.VersionId, tombstone.LastUpdated, true, []),
            IsWrite = true,
        };
    }

    private async Task<FhirResponse> PatchCoreAsync(IResourceTransaction tx, string type, string id, PatchDocument patch, int? ifMatch, Writer writer, CancellationToken cancellationToken)
    {
        var current = await tx.ReadAsync(type, id, cancellationToken) ?? throw NotFound(type, id);
        if (current.IsDeleted)
        {
            throw FhirException.Gone($"{type}/{id} has been deleted.");
        }

        CheckIfMatch(type, id, current, ifMatch);
        Resource patched;
        if (patch.JsonPatch is { } jsonPatch)
        {
            var node = JsonNode.Parse(current.Json) ?? throw new InvalidOperationException("Stored resource is not JSON.");
            var result = JsonPatchApplier.Apply(node, jsonPatch);
            patched = serializer.ParseJson(System.Text.Encoding.UTF8.GetBytes(result.ToJsonString()));
        }
        else
        {
            patched = FhirPathPatchApplier.Apply(serializer.ParseJson(current.Json), patch.FhirPathPatch!);
        }

        if (patched.TypeName != type || patched.Id != id)
        {
            throw FhirException.Unprocessable("A patch may not change the resource type or id.");
        }

        var stored = await WriteAsync(tx, patched, id, current.VersionId + 1, "PATCH", current, writer, cancellationToken);
        return FhirResponse.ForStored(stored, HttpStatusCode.OK, isWrite: true);
    }

    private async Task<StoredResource> WriteAsync(IResourceTransaction tx, Resource resource, string id, int versionId, string method, StoredResource? replaced, Writer writer, CancellationToken cancellationToken)
    {
        resource.Id = id;

        // Before any interceptor can answer differently for a missing and a hidden patient.
        var patient = await compartments.PatientOfAsync(tx, resource, cancellationToken);
        await PatientCompartments.RequireVisibleAsync(tx, resource, patient, writer.Restriction, cancellationToken);
        var context = new WriteContext(writer.Caller, replaced);
        foreach (var interceptor in interceptors)
        {
            await interceptor.OnWritingAsync(resource, context, tx, cancellationToken);
        }

        var lastUpdated = Now();
        resource.Meta ??= new Meta();
        resource.Meta.VersionId = versionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        resource.Meta.LastUpdated = lastUpdated;
        var index = indexer.Extract(resource);
        var json = serializer.SerializeToBytes(resource, FhirFormat.Json);
        var write = new ResourceWrite(resource.TypeName, id, versionId, lastUpdated, false, json, index, PatientCompartments.ShardKey(resource, index, patient), method);
        await tx.WriteAsync(write, cancellationToken);
        return new StoredResource(write.ResourceType, id, versionId, lastUpdated, false, json);
    }

    private async Task<FhirResponse> InTransactionAsync(IResourceTransaction? outer, Func<IResourceTransaction, Task<FhirResponse>> work, CancellationToken cancellationToken)
    {
        if (outer is not null)
        {
            return await work(outer);
        }

        await using var tx = await store.BeginTransactionAsync(cancellationToken);
        var response = await work(tx);
        await tx.CommitAsync(cancellationToken);
        return response;
    }

    // Millisecond precision: what FHIR clients round-trip, so _since and If-Modified-Since compare exactly.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    private static void CheckType(string type, Resource resource)
    {
        if (resource.TypeName != type)
        {
            throw FhirException.BadRequest($"The body is a {resource.TypeName} but the URL addresses {type}.", "resourceType");
        }
    }

    private static void CheckIfMatch(string type, string id, StoredResource? current, int? ifMatch)
    {
        if (ifMatch is { } expected && (current is null || current.IsDeleted || current.VersionId != expected))
        {
            throw FhirException.PreconditionFailed(
                $"If-Match expected version {expected} of {type}/{id}, but the current version is {(current is null ? "none" : current.VersionId)}.");
        }
    }

    private static FhirException NotFound(string type, string id) => FhirException.NotFound($"{type}/{id} is not known.");

    private static FhirException MultipleMatches(string type) =>
        FhirException.PreconditionFailed($"More than one {type} matches the criteria; make them more selective.");
}
