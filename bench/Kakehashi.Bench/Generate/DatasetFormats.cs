namespace Kakehashi.Bench.Generate;

/// <summary>Which files <see cref="DatasetWriter"/> writes.</summary>
[Flags]
public enum DatasetFormats
{
    None = 0,

    /// <summary>One NDJSON file per resource type (FHIR bulk-data style).</summary>
    Ndjson = 1,

    /// <summary>bundles.ndjson: one transaction Bundle per line.</summary>
    Bundles = 2,
}
