using System.ComponentModel.DataAnnotations;

namespace Kakehashi.Platform.Eligibility;

/// <summary>The <c>Kakehashi:Eligibility</c> configuration section.</summary>
public sealed class EligibilityOptions
{
    public const string Section = "Kakehashi:Eligibility";

    /// <summary>How long a consent given at the card reader lasts when the request names no end.</summary>
    [Range(1, 24 * 366)]
    public int ConsentHours { get; set; } = 24;

    /// <summary>The longest a reader consent may be asked to last (an admission).</summary>
    [Range(1, 366)]
    public int MaxConsentDays { get; set; } = 180;

    /// <summary>Most patients in one bulk pre-check.</summary>
    [Range(1, 1_000_000)]
    public int MaxPrecheckItems { get; set; } = 10_000;

    /// <summary>Rows written per database transaction by a bulk upload.</summary>
    [Range(1, 5000)]
    public int UploadBatchSize { get; set; } = 200;

    /// <summary>Open connections kept, with their statements prepared, for checks (more are opened under a burst and closed after).</summary>
    [Range(1, 1000)]
    public int LookupConnections { get; set; } = 32;

    /// <summary>Finished jobs (and their per-row results) are deleted after this many days.</summary>
    [Range(1, 3650)]
    public int JobRetentionDays { get; set; } = 7;
}
