using System.Globalization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Security;
using Kakehashi.Platform.Sharing.ClinicalItems;
using Kakehashi.Platform.Sharing.Documents;

namespace Kakehashi.Platform.Sharing;

/// <summary>
/// <c>POST $sharing-retention</c> (Parameters <c>dryRun</c>): the retention job of EHR information
/// sharing. Removes the documents whose retention ended (<see cref="DocumentRetention"/>) and deletes, through the resource
/// service (so every deletion is versioned and indexed like any other), the clinical items whose
/// retention has passed (<see cref="ClinicalItemIndex.ExpiredAsync"/>: five years from their day, a
/// diagnosis five years after it ended, never a long-term (LTS) item), at most
/// <see cref="MaxPerRun"/> per call (<c>more</c> says to call again). A dry run counts only. The
/// operator's systems and security administrators run it; the access guard audits each call.
/// </summary>
public sealed class SharingRetentionOperation(IResourceStore store, ResourceService resources, ClinicalItemIndex index, ViewingWindows windows, TimeProvider time) : IFhirOperation
{
    public const string OperationName = "sharing-retention";

    public const int MaxPerRun = 10_000;

    public string Name => OperationName;

    public OperationAccess Access => OperationAccess.Administrative;

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/sharing-retention";

    public bool IsIdempotent => false;

    public bool AppliesTo(string? resourceType, string? id) => resourceType is null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        if (request.Http.Caller is { } caller && caller.Role != KnownRoles.System && caller.OrganizationKind != KnownOrganizationKinds.Operator)
        {
            throw FhirException.Forbidden("The retention job of shared clinical items is run by the platform's operator.");
        }

        var dryRun = request.Parameters.Parameter.FirstOrDefault(p => p.Name == "dryRun")?.Value switch
        {
            FhirBoolean { Value: true } => true,
            FhirString { Value: "true" } => true,
            _ => false,
        };
        var limit = windows.Today.AddYears(-ViewingWindows.RetentionYears);
        // One more than a run deletes: whether to call again.
        var expired = await index.ExpiredAsync(limit, MaxPerRun + 1, null, cancellationToken);
        var more = expired.Count > MaxPerRun;
        if (more)
        {
            expired = expired[..MaxPerRun];
        }

        int documents;
        await using (var transaction = await store.BeginTransactionAsync(cancellationToken))
        {
            documents = await DocumentRetention.PurgeExpiredAsync(transaction.Sql(), time.GetUtcNow(), dryRun, cancellationToken);
            foreach (var item in dryRun ? [] : expired)
            {
                await resources.DeleteAsync(item.ResourceType, item.Id, null, transaction, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var result = new Parameters();
        result.Add("dryRun", new FhirBoolean(dryRun));
        result.Add("retainedFrom", new Date(limit.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        foreach (var kind in ClinicalItemKind.All)
        {
            result.Add(dryRun ? "expired-" + kind : "purged-" + kind, new Integer(expired.Count(e => e.Kind == kind)));
        }

        result.Add(dryRun ? "expired-documents" : "purged-documents", new Integer(documents));
        result.Add("more", new FhirBoolean(more));
        return new FhirResponse { Resource = result };
    }
}
