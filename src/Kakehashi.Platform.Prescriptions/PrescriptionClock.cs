namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// The clock the lifecycle's day rules read (expiry, refill windows, course days). Its own
/// service so that tests can move the prescriptions' days without moving the token lifetimes of
/// the rest of the server.
/// </summary>
public class PrescriptionClock(TimeProvider time)
{
    public virtual DateTimeOffset Now => time.GetUtcNow();

    public DateOnly Today => DateOnly.FromDateTime(Now.ToOffset(JapanTime.Offset).DateTime);
}
