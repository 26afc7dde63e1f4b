using System.Globalization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Search.Compartments;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Operations.Search;

/// <summary>
/// <c>Patient/[id]/$everything</c>: the patient, every resource in its compartment and the
/// resources they reference (practitioners, organizations, medications…), paged like a search.
/// <c>_since</c> filters on the last update, <c>_type</c> on resource types, and <c>start</c> /
/// <c>end</c> on the clinical date (the <c>date</c> parameter of each type); resources without a
/// clinical date are always returned, as the operation's definition allows.
/// </summary>
public sealed class PatientEverythingOperation(SearchService search, IResourceStore store) : IFhirOperation
{
    private const string ClinicalDate = "date";

    private static readonly HashSet<string> Accepted = new(StringComparer.Ordinal)
    {
        "_since", "_type", "start", "end", KnownSearchParameters.Count, SearchCursor.Parameter,
        KnownSearchParameters.Summary, KnownSearchParameters.Elements,
    };

    public string Name => "everything";

    public string Definition => "http://hl7.org/fhir/OperationDefinition/Patient-everything";

    public bool IsIdempotent => true;

    public bool AppliesTo(string? resourceType, string? id) => resourceType == "Patient" && id is not null;

    public async Task<FhirResponse> ExecuteAsync(OperationRequest request, CancellationToken cancellationToken)
    {
        var id = request.Id!;
        var patient = request.Transaction is null
            ? await store.ReadAsync("Patient", id, cancellationToken)
            : await request.Transaction.ReadAsync("Patient", id, cancellationToken);
        if (patient is null)
        {
            throw FhirException.NotFound($"Patient/{id} is not known.");
        }

        if (patient.IsDeleted)
        {
            throw FhirException.Gone($"Patient/{id} has been deleted.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in request.Parameters.Parameter)
        {
            if (parameter.Name is null || !Accepted.Contains(parameter.Name))
            {
                throw FhirException.BadRequest($"'{parameter.Name}' is not a parameter of $everything (use _since, _type, start, end, _count).", parameter.Name);
            }

            values[parameter.Name] = parameter.Value?.ToString() ?? "";
        }

        var types = values.TryGetValue("_type", out var typeList)
            ? typeList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : null;
        var conditions = new List<SearchCondition> { CompartmentDefinitions.For("Patient", id, types) };
        if (values.TryGetValue("_since", out var since))
        {
            var at = Instant("_since", since);
            conditions.Add(new DateCondition(KnownSearchParameters.LastUpdated, [new DateValue(SearchPrefix.Ge, at.Start, at.Start)]));
        }

        var hasStart = values.TryGetValue("start", out var start);
        var hasEnd = values.TryGetValue("end", out var end);
        if (hasStart || hasEnd)
        {
            var from = hasStart ? Instant("start", start!).Start : FhirDateRange.MinValue;
            var to = hasEnd ? Instant("end", end!).End : FhirDateRange.MaxValue;
            // Overlap ("ap" with exact bounds): any part of the clinical date within [start, end].
            conditions.Add(new AnyCondition(
            [
                new MissingCondition(ClinicalDate, SearchParamType.Date, Missing: true),
                new DateCondition(ClinicalDate, [new DateValue(SearchPrefix.Ap, from, to)]),
            ]));
        }

        var count = SearchQuery.DefaultCount;
        if (values.TryGetValue(KnownSearchParameters.Count, out var countText)
            && !(int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count > 0))
        {
            throw FhirException.BadRequest($"_count '{countText}' is not a positive integer.", KnownSearchParameters.Count);
        }

        var query = new SearchQuery(null, conditions, Math.Min(count, SearchQuery.MaxCount), 0)
        {
            Includes = [new IncludeSpec("*", null, null, Iterate: false)],
            Cursor = values.GetValueOrDefault(SearchCursor.Parameter),
        };
        var http = request.Http;
        return await search.RunAsync(query, $"{http.BaseUrl}/Patient/{id}/$everything", http, http.Query, request.Transaction, cancellationToken);
    }

    private static FhirDateRange Instant(string name, string value) =>
        FhirDateRange.TryParse(value, out var range)
            ? range
            : throw FhirException.BadRequest($"{name} '{value}' is not a FHIR date or instant.", name);
}
