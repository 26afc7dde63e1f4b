using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>
/// The documents' retention rule, for the shared retention endpoint (<c>POST /sharing/retention</c>),
/// which audits the call: removes every document version whose retention ended (retrieved referrals
/// and discharge summaries after <see cref="DocumentOptions.RetentionDaysAfterRetrieval"/>, superseded
/// versions as long after their correction, checkup reports after <see cref="DocumentOptions.CheckupRetentionYears"/>).
/// </summary>
public static class DocumentRetention
{
    /// <summary>Returns how many versions were (or, with <paramref name="dryRun"/>, would be) removed.</summary>
    public static async Task<int> PurgeExpiredAsync(ISqlTransaction transaction, DateTimeOffset now, bool dryRun, CancellationToken cancellationToken)
    {
        var expired = await DocumentStore.ExpiredAsync(transaction, now, cancellationToken);
        if (dryRun)
        {
            return expired.Count;
        }

        var removed = 0;
        foreach (var (id, _) in expired)
        {
            removed += await DocumentStore.DeleteAsync(transaction, id, cancellationToken);
        }

        return removed;
    }
}
