namespace Kakehashi.Fhir.Conformance;

/// <summary>The resource types the server treats as conformance content (resolvable by canonical URL).</summary>
public static class KnownConformanceTypes
{
    public const string StructureDefinition = "StructureDefinition";
    public const string ValueSet = "ValueSet";
    public const string CodeSystem = "CodeSystem";
    public const string ConceptMap = "ConceptMap";
    public const string SearchParameter = "SearchParameter";
    public const string NamingSystem = "NamingSystem";

    public static readonly IReadOnlyList<string> All = [StructureDefinition, ValueSet, CodeSystem, ConceptMap, SearchParameter, NamingSystem];

    public static bool Contains(string resourceType) => All.Contains(resourceType);
}
