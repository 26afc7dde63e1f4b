using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Security;

/// <summary>
/// Remembers for a few seconds (<see cref="SecurityOptions.ActiveCheckCacheSeconds"/>) that a
/// token's caller was found enabled and the token not revoked, so that a burst of requests
/// with one token costs one query instead of one each. Only "still active" is remembered.
/// Disabling an account or client, or revoking a token, through this server forgets every
/// entry at once; a change made by another server process on the same database is seen
/// within the lifetime.
/// <para>
/// The same holds for whole bearer tokens (<see cref="TryGetResolved"/>): a token whose
/// signature, audience, expiry and start were verified and whose caller was then found active
/// is remembered, by its hash, with the caller it resolved to — for the same lifetime and never
/// past the token's own expiry — so that its repeats skip the token validation as well.
/// </para>
/// </summary>
internal sealed class ActiveCallerCache(TimeProvider time, TimeSpan lifetime)
{
    // Tokens live minutes; a server sees a bounded number of them. Past this, start afresh.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<CallerKey, Entry> entries = new();
    private readonly ConcurrentDictionary<TokenHash, ResolvedEntry> resolved = new();
    private long generation;

    /// <summary>Taken before the database check, handed to <see cref="RememberActive"/> after it.</summary>
    public long Generation => Interlocked.Read(ref generation);

    public bool IsKnownActive(CallerKey key) =>
        entries.TryGetValue(key, out var entry) && entry.Generation == Generation && entry.Until > time.GetUtcNow();

    /// <summary>
    /// Remembers a positive check. A disable or revocation that happened after
    /// <paramref name="generationBeforeCheck"/> was taken makes the entry worthless: the check may
    /// have read the state before that change.
    /// </summary>
    public void RememberActive(CallerKey key, long generationBeforeCheck)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }

        entries[key] = new Entry(generationBeforeCheck, time.GetUtcNow() + lifetime);
    }

    /// <summary>The caller a token resolved to, if the token was validated and found active within the lifetime.</summary>
    public bool TryGetResolved(TokenHash token, [NotNullWhen(true)] out AccessContext? caller)
    {
        if (resolved.TryGetValue(token, out var entry) && entry.Generation == Generation && entry.Until > time.GetUtcNow())
        {
            caller = entry.Caller;
            return true;
        }

        caller = null;
        return false;
    }

    /// <summary>
    /// Remembers a validated token whose caller was found active; the entry ends with the lifetime
    /// or the token's <paramref name="expires"/>, whichever comes first.
    /// </summary>
    public void RememberResolved(TokenHash token, AccessContext caller, DateTimeOffset expires, long generationBeforeCheck)
    {
        var until = time.GetUtcNow() + lifetime;
        if (expires < until)
        {
            until = expires;
        }

        if (lifetime <= TimeSpan.Zero || until <= time.GetUtcNow())
        {
            return;
        }

        if (resolved.Count >= MaxEntries)
        {
            resolved.Clear();
        }

        resolved[token] = new ResolvedEntry(caller, generationBeforeCheck, until);
    }

    /// <summary>An account or client was disabled or re-enabled, or a token revoked: no remembered check stands.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        entries.Clear();
        resolved.Clear();
    }

    /// <summary>Who the token is for, and the token (its id, and when its caller was authenticated: microseconds since the Unix epoch).</summary>
    public readonly record struct CallerKey(bool IsSystem, string Subject, string TokenId, long AuthenticatedAt);

    private readonly record struct Entry(long Generation, DateTimeOffset Until);

    private sealed record ResolvedEntry(AccessContext Caller, long Generation, DateTimeOffset Until);
}
