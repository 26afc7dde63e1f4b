namespace Kakehashi.Platform.Audit;

/// <summary>
/// What happened, for <see cref="AuditRecord.ByCaller"/>: the call sites name the event; who did
/// it comes from the caller, the same way everywhere.
/// </summary>
public sealed record AuditedAccess
{
    /// <summary>The patient concerned (<c>Patient/{id}</c>), or null.</summary>
    public string? Patient { get; init; }

    /// <summary>The BALP action code: C, R, U, D or E.</summary>
    public required string Action { get; init; }

    /// <summary>The interaction or operation (<c>read</c>, <c>$export</c>…).</summary>
    public required string Interaction { get; init; }

    public required string Resource { get; init; }

    public string? Query { get; init; }

    /// <summary>The HTTP status the caller got.</summary>
    public required int Outcome { get; init; }

    /// <summary>Access under a break-the-glass grant: recorded as emergency treatment whatever the caller's purpose.</summary>
    public bool Emergency { get; init; }

    /// <summary>The reason given for emergency access.</summary>
    public string? Reason { get; init; }
}
