using System.Globalization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Search;
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
/// retention has passed (<see cref="ViewingWindows.Expired"/>: five years from their day, a
/// diagnosis five years after it ended, never a long-term (LTS) item), at most
/// <see cref="MaxPerRun"/> per call (<c>more</c> says to call again). A dry run counts only. The
/// operator's systems and security administrators run it; the access guard audits each call.
/// </summary>
public sealed class SharingRetentionOperation(IResourceStore store, ResourceService resources, SearchQueryParser parser, FhirSerializer serializer, ViewingWindows windows, TimeProvider time) : IFhirOperation
{
    public const string OperationName = "sharing-retention";

    public const int MaxPerRun = 10_000;

    private const int PageSize = 1000;

    public string Name => OperationName;

    public OperationAccess Access => OperationAccess.Administrative;

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/sharing-retention";

    public bool IsIdempotent => false;

    public bool AppliesTo(string? resourceType, string? id) => resourceType is null;

    // The search parameter of each kind's day: candidates older than the limit, checked item by item.
    private static readonly (string Kind, string Parameter)[] Dated =
    [
        (ClinicalItemKind.Diagnosis, "abatement-date"), (ClinicalItemKind.Infection, "date"), (ClinicalItemKind.Lab, "date"),
        (ClinicalItemKind.DrugAllergy, "date"), (ClinicalItemKind.OtherAllergy, "date"), (ClinicalItemKind.Prescription, "authoredon"),
    ];

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
        var limit = windows.Today.AddYears(-ViewingWindows.RetentionYears).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var expired = new List<(string Kind, string Type, string Id)>();
        var more = false;
        foreach (var (kind, parameter) in Dated)
        {
            var type = ClinicalItemKind.TypeOf(kind);
            var query = parser.Parse(type, [new("_tag", ClinicalItemKind.TagSystem + "|" + kind), new(parameter, "lt" + limit)], lenient: false) with { Count = PageSize };
            while (!more)
            {
                var page = await store.SearchAsync(query, cancellationToken);
                foreach (var stored in page.Matches)
                {
                    var resource = serializer.ParseJson(stored.Json);
                    if (windows.Expired(new ClinicalItem(kind, resource, null, ViewingWindows.Day(resource, stored.LastUpdated), ViewingWindows.Ended(resource))))
                    {
                        expired.Add((kind, type, stored.Id));
                    }
                }

                more = expired.Count >= MaxPerRun;
                if (!page.HasMore)
                {
                    break;
                }

                query = query with { Offset = query.Offset + PageSize };
            }
        }

        if (expired.Count > MaxPerRun)
        {
            expired = expired[..MaxPerRun];
        }

        int documents;
        await using (var transaction = await store.BeginTransactionAsync(cancellationToken))
        {
            documents = await DocumentRetention.PurgeExpiredAsync(transaction.Sql(), time.GetUtcNow(), dryRun, cancellationToken);
            foreach (var (_, type, id) in dryRun ? [] : expired)
            {
                await resources.DeleteAsync(type, id, null, transaction, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        var result = new Parameters();
        result.Add("dryRun", new FhirBoolean(dryRun));
        result.Add("retainedFrom", new Date(limit));
        foreach (var kind in ClinicalItemKind.All)
        {
            result.Add(dryRun ? "expired-" + kind : "purged-" + kind, new Integer(expired.Count(e => e.Kind == kind)));
        }

        result.Add(dryRun ? "expired-documents" : "purged-documents", new Integer(documents));
        result.Add("more", new FhirBoolean(more));
        return new FhirResponse { Resource = result };
    }
}
