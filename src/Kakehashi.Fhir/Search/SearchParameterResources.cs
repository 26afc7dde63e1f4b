using System.Formats.Tar;
using System.IO.Compression;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Turns <c>SearchParameter</c> resources — posted at run time, or shipped in a FHIR package
/// such as JP Core — into registry definitions, refusing those the engine could not index.
/// </summary>
public static class SearchParameterResources
{
    private static readonly FhirPathCompiler Compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    /// <summary>One definition per base type; a 400 naming the problem when it cannot be used.</summary>
    public static IReadOnlyList<SearchParameterDefinition> ToDefinitions(SearchParameter resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (string.IsNullOrWhiteSpace(resource.Code))
        {
            throw Invalid(resource, "it has no code");
        }

        if (resource.Type is not { } type)
        {
            throw Invalid(resource, "it has no type");
        }

        if (type is SearchParamType.Composite or SearchParamType.Special)
        {
            throw Invalid(resource, $"parameters of type {type} cannot be defined at run time");
        }

        if (string.IsNullOrWhiteSpace(resource.Expression))
        {
            throw Invalid(resource, "it has no FHIRPath expression");
        }

        try
        {
            Compiler.Compile(resource.Expression);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            throw Invalid(resource, "its expression does not compile: " + e.Message);
        }

        var bases = resource.BaseElement.Select(b => b.JsonValue as string).Where(b => b is not null).Cast<string>().ToList();
        if (bases.Count == 0)
        {
            throw Invalid(resource, "it names no base resource type");
        }

        var unknown = bases.FirstOrDefault(b => b != KnownSearchParameters.AllTypes && !SearchParameterRegistry.IsKnownResourceType(b));
        if (unknown is not null)
        {
            throw Invalid(resource, $"'{unknown}' is not a resource type");
        }

        var targets = resource.TargetElement.Select(t => t.JsonValue as string).Where(t => t is not null).Cast<string>().ToList();
        return [.. bases.Select(b => new SearchParameterDefinition(b, resource.Code, type, resource.Expression, targets, resource.Url))];
    }

    /// <summary>The SearchParameter resources of an npm-style FHIR package (<c>.tgz</c>).</summary>
    public static IReadOnlyList<SearchParameter> FromPackage(Stream tgz)
    {
        var found = new List<SearchParameter>();
        using var gzip = new GZipStream(tgz, CompressionMode.Decompress, leaveOpen: true);
        using var tar = new TarReader(gzip);
        var deserializer = new FhirJsonDeserializer();
        while (tar.GetNextEntry() is { } entry)
        {
            var name = Path.GetFileName(entry.Name);
            if (entry.DataStream is null || !name.StartsWith("SearchParameter-", StringComparison.Ordinal)
                || !name.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            using var reader = new StreamReader(entry.DataStream);
            found.Add(deserializer.Deserialize<SearchParameter>(reader.ReadToEnd()));
        }

        return found;
    }

    private static FhirException Invalid(SearchParameter resource, string why) =>
        FhirException.BadRequest($"SearchParameter '{resource.Url ?? resource.Code ?? resource.Id}' cannot be used for search: {why}.", "SearchParameter");
}
