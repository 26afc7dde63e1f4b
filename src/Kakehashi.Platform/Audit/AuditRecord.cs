using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Audit;

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
    string? Reason)
{
    /// <summary>HL7 v3 PurposeOfUse of access under a break-the-glass grant.</summary>
    public const string EmergencyPurpose = "ETREAT";

    /// <summary>The row for <paramref name="what"/> done by <paramref name="caller"/> (one place that maps a caller to its agent fields).</summary>
    public static AuditRecord ByCaller(AccessContext caller, DateTimeOffset recordedAt, string requestId, AuditedAccess what)
    {
        var emergency = what.Emergency || caller.Emergency;
        return new AuditRecord(
            recordedAt, requestId, caller.Subject, caller.Kind.ToString().ToLowerInvariant(), caller.ClientId, caller.OrganizationCode, caller.Role,
            what.Patient, what.Action, what.Interaction, what.Resource, what.Query, what.Outcome,
            emergency ? EmergencyPurpose : caller.PurposeOfUse, emergency, what.Reason);
    }

    /// <summary>
    /// A row with no authenticated caller: the server's own work (agent <c>kakehashi-server</c>,
    /// kind <c>server</c>) or an attempt by nobody known (<c>anonymous</c>, <c>unknown</c>).
    /// </summary>
    public static AuditRecord WithoutCaller(string agent, string kind, string purpose, DateTimeOffset recordedAt, string requestId, AuditedAccess what) =>
        new(recordedAt, requestId, agent, kind, null, null, kind,
            what.Patient, what.Action, what.Interaction, what.Resource, what.Query, what.Outcome, purpose, false, what.Reason);
}

/// <summary>A stored row: its place in the chain and its hash.</summary>
public sealed record AuditEntry(long Index, AuditRecord Record, string Hash);

/// <summary>The result of checking the whole chain.</summary>
public sealed record AuditVerification(bool Intact, long Count, string? HeadHash, long? FirstBadIndex, string Message);
