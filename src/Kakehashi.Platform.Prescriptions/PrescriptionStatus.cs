namespace Kakehashi.Platform.Prescriptions;

/// <summary>The states of a prescription (docs/prescriptions.md, "Lifecycle").</summary>
public static class PrescriptionStatus
{
    /// <summary>登録済: waiting for a pharmacy (for a refill, waiting for its next use).</summary>
    public const string Registered = "registered";

    /// <summary>受付済: a pharmacy retrieved it and holds it; no other pharmacy may take it.</summary>
    public const string Accepted = "accepted";

    /// <summary>調剤済: every use dispensed.</summary>
    public const string Dispensed = "dispensed";

    /// <summary>取消: cancelled by the prescriber before it was dispensed.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>期限切れ: not taken to a pharmacy within its window.</summary>
    public const string Expired = "expired";

    /// <summary>The Japanese word a screen shows.</summary>
    public static string Japanese(string status) => status switch
    {
        Registered => "未受付",
        Accepted => "受付済",
        Dispensed => "調剤済",
        Cancelled => "取消",
        Expired => "期限切れ",
        _ => status,
    };
}
