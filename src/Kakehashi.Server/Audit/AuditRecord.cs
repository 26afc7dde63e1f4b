namespace Kakehashi.Server.Audit;

/// <summary>
/// One audit trail row, in the IHE BALP style: who (agent, client, organization, job type),
/// about whom (patient), what (action, interaction, resources, query), how it ended (HTTP
/// status), why (purpose of use, emergency and its reason).
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset RecordedAt,
    string RequestId,
    string Agent,
    string AgentKind,
    string? ClientId,
    string? Organization,
    string JobType,
    string? Patient,
    string Action,
    string Interaction,
    string Resource,
    string? Query,
    int Outcome,
    string Purpose,
    bool Emergency,
    string? Reason);

/// <summary>A stored row: its place in the chain and its hash.</summary>
public sealed record AuditEntry(long Index, AuditRecord Record, string Hash);

/// <summary>The result of checking the whole chain.</summary>
public sealed record AuditVerification(bool Intact, long Count, string? HeadHash, long? FirstBadIndex, string Message);
