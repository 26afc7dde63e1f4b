using System.Text.Json;
using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Hosting;

/// <summary>
/// The submitter of a job, kept with it: the worker runs the job under this identity (an
/// insurer-number rule, the audit trail and the export's access see the submitter), even after a restart.
/// </summary>
/// <remarks>A job stored before <see cref="PatientId"/> was kept deserializes with none: only patients' own exports need it.</remarks>
public sealed record JobCaller(string Subject, string Kind, string? ClientId, string Role, string? OrganizationCode, string? OrganizationKind, string Scopes, string Purpose, string? PatientId = null)
{
    public static string Serialize(AccessContext caller) => JsonSerializer.Serialize(new JobCaller(
        caller.Subject, caller.Kind.ToString(), caller.ClientId, caller.Role, caller.OrganizationCode, caller.OrganizationKind,
        string.Join(' ', caller.Scopes.Select(s => s.ToString())), caller.PurposeOfUse, caller.PatientId));

    public static AccessContext Deserialize(string json)
    {
        var c = JsonSerializer.Deserialize<JobCaller>(json) ?? throw new InvalidOperationException("A job without its caller.");
        return new AccessContext
        {
            Subject = c.Subject,
            Kind = Enum.Parse<CallerKind>(c.Kind),
            ClientId = c.ClientId,
            Role = c.Role,
            OrganizationCode = c.OrganizationCode,
            OrganizationKind = c.OrganizationKind,
            Scopes = SmartScope.ParseAll(c.Scopes),
            PurposeOfUse = c.Purpose,
            PatientId = c.PatientId,
        };
    }
}
