using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Kakehashi.Platform.Security;

/// <summary>Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), with base32 secrets as authenticator apps expect.</summary>
public static class Totp
{
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string NewSecret() => ToBase32(RandomNumberGenerator.GetBytes(20));

    public static string Code(string secret, DateTimeOffset at) => CodeForStep(secret, Step(at));

    /// <summary>
    /// Accepts the current step and one either side, for clock drift, and says which step the
    /// code belongs to: the caller refuses a step not later than the last one accepted, so that
    /// a code signs in once.
    /// </summary>
    public static bool TryMatch(string secret, string? code, DateTimeOffset now, out long step)
    {
        step = 0;
        if (code is not { Length: 6 })
        {
            return false;
        }

        var ok = false;
        var current = Step(now);
        foreach (var offset in (ReadOnlySpan<int>)[-1, 0, 1])
        {
            // Every step is compared (no early exit); of two matches, the later step is the stricter to remember.
            if (CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(CodeForStep(secret, current + offset)), System.Text.Encoding.ASCII.GetBytes(code)))
            {
                ok = true;
                step = current + offset;
            }
        }

        return ok;
    }

    /// <summary>The 30-second time step <paramref name="at"/> falls in (the RFC 6238 counter).</summary>
    private static long Step(DateTimeOffset at) => at.ToUnixTimeSeconds() / 30;

    private static string CodeForStep(string secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238 and every authenticator app use HMAC-SHA1; its use as a MAC is not weakened by SHA-1 collisions.
        var hash = HMACSHA1.HashData(FromBase32(secret), counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var value = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset)) & 0x7fffffff) % 1_000_000;
        return value.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string ToBase32(byte[] data)
    {
        var result = new System.Text.StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                result.Append(Base32Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            result.Append(Base32Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return result.ToString();
    }

    private static byte[] FromBase32(string text)
    {
        var result = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('=').ToUpperInvariant())
        {
            buffer = (buffer << 5) | Base32Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                result.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. result];
    }
}
