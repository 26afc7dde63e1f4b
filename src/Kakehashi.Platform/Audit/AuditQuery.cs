namespace Kakehashi.Platform.Audit;

/// <summary>A search of the audit trail (docs/security/admin-api.md): every filter is optional; pages go back by chain index.</summary>
public sealed record AuditQuery
{
    /// <summary><c>Patient/{id}</c>.</summary>
    public string? Patient { get; init; }

    /// <summary>The account id or client id that acted.</summary>
    public string? Agent { get; init; }

    /// <summary>The acting organization's code.</summary>
    public string? Organization { get; init; }

    public DateTimeOffset? Since { get; init; }

    /// <summary>Exclusive.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>True: refused or failed requests only (status 400 and above); false: the others.</summary>
    public bool? Failed { get; init; }

    public bool? Emergency { get; init; }

    /// <summary>Rows older than this chain index: the next page after a page whose last row had it.</summary>
    public long? Before { get; init; }

    public int Count { get; init; } = 100;
}
