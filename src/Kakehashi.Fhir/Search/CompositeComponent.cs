namespace Kakehashi.Fhir.Search;

/// <summary>One part of a composite parameter: the parameter it takes its type from, and a FHIRPath relative to the composite's element.</summary>
public sealed record CompositeComponent(string Definition, string Expression);
