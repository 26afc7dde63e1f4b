using System.Collections.Concurrent;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// Remembers for a few seconds (<see cref="Security.SecurityOptions.EmergencyGrantCacheSeconds"/>)
/// the unexpired emergency grants of a doctor, so that a burst of requests by a hospital doctor
/// costs one lookup instead of one each. The grants themselves are kept (with their times), so
/// a grant stops applying exactly when it expires. A grant made through this server forgets
/// every entry at once; one made through another server on the same database is seen within the
/// lifetime. Grants only ever add visibility, so a stale entry can delay access, never widen it.
/// </summary>
internal sealed class EmergencyGrantCache(TimeProvider time, TimeSpan lifetime)
{
    // Hospital doctors active within seconds: a bounded number. Past this, start afresh.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long generation;

    /// <summary>Taken before the database lookup, handed to <see cref="Remember"/> after it.</summary>
    public long Generation => Interlocked.Read(ref generation);

    public bool TryGet(string agent, out IReadOnlyList<CachedGrant> grants)
    {
        if (entries.TryGetValue(agent, out var entry) && entry.Generation == Generation && entry.Until > time.GetUtcNow())
        {
            grants = entry.Grants;
            return true;
        }

        grants = [];
        return false;
    }

    /// <summary>
    /// Remembers a lookup. A grant committed after <paramref name="generationBeforeLookup"/> was
    /// taken makes the entry worthless: the lookup may have run before that grant existed.
    /// </summary>
    public void Remember(string agent, IReadOnlyList<CachedGrant> grants, long generationBeforeLookup)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }

        entries[agent] = new Entry(generationBeforeLookup, time.GetUtcNow() + lifetime, grants);
    }

    /// <summary>A grant was committed: no remembered lookup stands.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        entries.Clear();
    }

    private sealed record Entry(long Generation, DateTimeOffset Until, IReadOnlyList<CachedGrant> Grants);
}

/// <summary>One unexpired grant of a doctor: the patient and when it applies.</summary>
internal readonly record struct CachedGrant(string PatientKey, DateTimeOffset GrantedAt, DateTimeOffset ExpiresAt);
