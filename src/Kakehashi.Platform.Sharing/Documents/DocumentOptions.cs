namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>Settings of the shared documents (<c>Kakehashi:Sharing:Documents</c>, docs/sharing.md).</summary>
public sealed class DocumentOptions
{
    /// <summary>
    /// Days a referral or discharge summary is kept after its recipient retrieved it (the
    /// recipient keeps its own copy in its record; the platform is a mailbox, not an archive).
    /// Documents never retrieved are kept until retrieved.
    /// </summary>
    public int RetentionDaysAfterRetrieval { get; set; } = 180;

    /// <summary>Years a checkup report is kept from its submission (健診結果: 5 years).</summary>
    public int CheckupRetentionYears { get; set; } = 5;
}
