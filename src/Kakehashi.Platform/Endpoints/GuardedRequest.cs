using System.Text.RegularExpressions;
using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Endpoints;

/// <summary>
/// A request admitted by the <see cref="EndpointAccessFilter"/>: its caller, resolved once, and
/// the patients its handler reports as concerned, which the filter's audit row names.
/// </summary>
public sealed partial class GuardedRequest(AccessContext caller, string requestId)
{
    private readonly HashSet<string> patients = new(StringComparer.Ordinal);

    public AccessContext Caller { get; } = caller;

    public string RequestId { get; } = requestId;

    /// <summary>The patients reported so far, as <c>Patient/{id}</c> references.</summary>
    public IReadOnlyCollection<string> Patients => patients;

    /// <summary>Reports the patient with this id as concerned by the request.</summary>
    public void AddPatient(string patientId) => AddPatientReference("Patient/" + patientId);

    /// <summary>
    /// Reports a <c>Patient/{id}</c> reference. Anything else is ignored rather than recorded:
    /// the audit trail holds patient references, never other patient data a caller typed.
    /// </summary>
    public void AddPatientReference(string? reference)
    {
        if (reference is not null && PatientReference().IsMatch(reference))
        {
            patients.Add(reference);
        }
    }

    [GeneratedRegex(@"^Patient/[A-Za-z0-9\-\.]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex PatientReference();
}

/// <summary>The admitted request, for handlers of guarded endpoints.</summary>
public static class GuardedRequestExtensions
{
    /// <summary>The request as the filter admitted it; only guarded endpoints have one.</summary>
    public static GuardedRequest Guarded(this HttpContext http) =>
        http.Features.Get<GuardedRequest>()
        ?? throw new InvalidOperationException("This endpoint is not guarded: map it in a group from MapGuardedGroup.");

    /// <summary>The authenticated, authorized caller of a guarded endpoint.</summary>
    public static AccessContext Caller(this HttpContext http) => http.Guarded().Caller;
}
