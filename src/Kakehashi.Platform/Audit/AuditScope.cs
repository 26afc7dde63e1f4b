using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Audit;

/// <summary>
/// The request being served, for code that records it without being handed it: the audited
/// store appends the rows of a write in the write's own transaction, deep inside the engine.
/// Set by the access guard for the outermost interaction; flows into bundle entries.
/// </summary>
public sealed class AuditScope
{
    private static readonly AsyncLocal<AuditScope?> CurrentScope = new();

    public required AccessContext Caller { get; init; }

    public required FhirInteraction Interaction { get; init; }

    public required string RequestId { get; init; }

    /// <summary>The query as it ran: the request's parameters and any the guard added (a narrowed scope's, the portal's own patient).</summary>
    public string? Query { get; set; }

    /// <summary>Patients (<c>Patient/{id}</c>) the caller sees under a break-the-glass grant: their rows are marked emergency.</summary>
    public IReadOnlyCollection<string> EmergencyPatients { get; set; } = [];

    public static AuditScope? Current
    {
        get => CurrentScope.Value;
        set => CurrentScope.Value = value;
    }
}
