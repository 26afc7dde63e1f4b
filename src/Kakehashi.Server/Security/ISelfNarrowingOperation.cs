using Kakehashi.Fhir.Interactions;

namespace Kakehashi.Server.Security;

/// <summary>
/// An operation on <c>[type]/[id]</c> that decides itself how much of a hidden instance the
/// caller may learn: the consented history views answer 403 naming the missing consent, and
/// break-the-glass exists to open a patient the caller cannot see. Every other instance-level
/// operation runs only on an instance the caller can see; for any other the access guard answers
/// 404, exactly as a read does.
/// </summary>
public interface ISelfNarrowingOperation : IFhirOperation;
