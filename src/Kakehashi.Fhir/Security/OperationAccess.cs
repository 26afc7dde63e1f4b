namespace Kakehashi.Fhir.Security;

/// <summary>
/// How the access guard decides on an extended operation (<see cref="Interactions.IFhirOperation.Access"/>).
/// Each operation declares its own rule, so a new one needs no edit of the guard.
/// </summary>
public enum OperationAccess
{
    /// <summary>
    /// The role policy and the token's scopes decide, on the type in the path (read for GET, read
    /// and update for POST; every type at system level); on <c>[type]/[id]</c> the instance must
    /// be visible to the caller, or the answer is 404 exactly as for a read.
    /// </summary>
    ByPolicy,

    /// <summary>
    /// As <see cref="ByPolicy"/>, but the operation decides itself how much of a hidden instance
    /// the caller may learn: the consented history views answer 403 naming the missing consent,
    /// and break-the-glass exists to open a patient the caller cannot see.
    /// </summary>
    SelfNarrowing,

    /// <summary>
    /// As <see cref="SelfNarrowing"/>, and the patient portal may run it on its own
    /// <c>Patient/[id]</c> (the history views); the operation reads nothing beyond that patient.
    /// </summary>
    OwnRecord,

    /// <summary>
    /// An operation on the server rather than on the records it addresses (<c>$reindex</c>): only
    /// the operator's systems (by policy) and security administrators may run it, at any level.
    /// </summary>
    Administrative,
}
