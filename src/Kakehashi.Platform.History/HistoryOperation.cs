using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Platform.History;

/// <summary>
/// <c>GET Patient/[id]/$…-history</c>: checks the parameters, that the patient exists, and that
/// the caller may open the view (<see cref="HistoryAccess"/>), then builds it. The access guard
/// that dispatches the operation writes its audit row — with the patient, the caller and the
/// outcome, refusals included.
/// </summary>
public abstract class HistoryOperation(HistoryAccess access, IResourceStore store) : IFhirOperation
{
    protected abstract HistoryView View { get; }

    /// <summary>Parameters beyond start and end.</summary>
    protected virtual string[] ExtraParameters => [];

    /// <summary>Further consent categories that open parts of the view (e.g. surgery lines of the treatment history).</summary>
    protected virtual IReadOnlyList<string> ExtraCategories => [];

    public string Name => View.Operation;

    // The patient reads their own views; others get 403 naming the missing consent, not 404.
    public OperationAccess Access => OperationAccess.OwnRecord;

    public string Definition => "http://kakehashi.jp/fhir/OperationDefinition/Patient-" + View.Operation;

    public bool IsIdempotent => true;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "Patient" && id is not null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var parameters = HistoryParameters.Read(Name, request.Parameters, ExtraParameters);
        var id = request.Id!;
        var patient = request.Transaction is null ? await store.ReadAsync("Patient", id, cancellationToken) : await request.Transaction.ReadAsync("Patient", id, cancellationToken);
        if (patient is null)
        {
            throw FhirException.NotFound($"Patient/{id} is not known.");
        }

        if (patient.IsDeleted)
        {
            throw FhirException.Gone($"Patient/{id} has been deleted.");
        }

        var granted = await access.AuthorizeAsync(request, View, id, ExtraCategories, cancellationToken);
        return await BuildAsync(request, parameters, granted, cancellationToken);
    }

    /// <summary>Builds the view; <c>granted</c> says which of <see cref="ExtraCategories"/> the caller may see.</summary>
    protected abstract Task<FhirResponse> BuildAsync(OperationRequest request, HistoryParameters parameters, IReadOnlySet<string> granted, CancellationToken cancellationToken);
}
