namespace Kakehashi.Server.Security;

/// <summary>
/// An operation on <c>Patient/[id]</c> that the patient portal may run on its own record (the
/// history views): the access guard lets a patient run it only on their own id, and the operation
/// itself must read nothing beyond that patient.
/// </summary>
public interface IOwnRecordOperation : ISelfNarrowingOperation;
