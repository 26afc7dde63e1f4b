using System.ComponentModel.DataAnnotations;

namespace Kakehashi.Server.BulkExport;

/// <summary>The <c>Kakehashi:Export</c> configuration section (docs/bulk-export.md).</summary>
public sealed class ExportOptions
{
    public const string Section = "Kakehashi:Export";

    /// <summary>Most resources in one NDJSON file; a type with more is split over several files.</summary>
    [Range(1, 1_000_000)]
    public int ResourcesPerFile { get; set; } = 10_000;

    /// <summary>A job and its files are deleted this many hours after the kick-off.</summary>
    [Range(1, 24 * 30)]
    public int RetentionHours { get; set; } = 24;

    /// <summary>Most patients a Group export may name.</summary>
    [Range(1, 30_000)]
    public int MaxGroupMembers { get; set; } = 10_000;
}
