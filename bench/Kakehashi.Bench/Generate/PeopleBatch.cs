namespace Kakehashi.Bench.Generate;

/// <summary>The resources of a few consecutive people.</summary>
public sealed record PeopleBatch(int People, List<GeneratedResource> Resources);
