using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Search;

/// <summary>Registers the SearchParameter resources kept in the store, so those created at run time survive a restart.</summary>
public sealed class StoredSearchParameters(IResourceStore store, SearchParameterRegistry registry, FhirSerializer serializer)
{
    private const int PageSize = 500;

    public async Task<int> LoadAsync(CancellationToken cancellationToken)
    {
        var registered = 0;
        for (var offset = 0; ; offset += PageSize)
        {
            var query = new SearchQuery("SearchParameter", [], PageSize, offset) { Sort = [new SortKey(KnownSearchParameters.Id, SearchParamType.Token, false)] };
            var page = await store.SearchAsync(query, cancellationToken);
            foreach (var stored in page.Matches)
            {
                if (serializer.ParseJson(stored.Json) is SearchParameter { Status: not PublicationStatus.Retired } parameter)
                {
                    try
                    {
                        var definitions = SearchParameterResources.ToDefinitions(parameter);
                        registry.Register(stored.Id, definitions);
                        registered += definitions.Count;
                    }
                    catch (FhirException)
                    {
                        // Stored before a rule tightened; it stays stored but cannot be searched.
                    }
                }
            }

            if (!page.HasMore)
            {
                return registered;
            }
        }
    }
}
