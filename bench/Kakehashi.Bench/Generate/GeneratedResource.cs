namespace Kakehashi.Bench.Generate;

/// <summary>One FHIR resource as compact UTF-8 JSON, with its type and id (references use Type/id).</summary>
public sealed record GeneratedResource(string Type, string Id, byte[] Json)
{
    public string Reference => Type + "/" + Id;
}
