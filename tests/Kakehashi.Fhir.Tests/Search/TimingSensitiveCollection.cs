namespace Kakehashi.Fhir.Tests.Search;

/// <summary>Timing assertions run alone, so that parallel test classes do not steal their CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveCollection
{
    public const string Name = "Timing-sensitive";
}
