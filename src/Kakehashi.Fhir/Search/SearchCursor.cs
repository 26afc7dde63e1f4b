using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Opaque, signed paging cursors. A cursor carries the position of the next page and a
/// fingerprint of the query it belongs to, and is signed with HMAC-SHA256 so that a client can
/// neither forge a position nor move a cursor to another query: anything tampered with is a 400,
/// never a crash or someone else's page.
/// </summary>
public sealed class SearchCursor
{
    public const string Parameter = "_cursor";

    private const byte FormatVersion = 1;
    private const int FingerprintLength = 16;
    private const int PayloadLength = 1 + 4 + FingerprintLength;
    private const int TagLength = 32;

    private readonly byte[] key;

    public SearchCursor(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 16)
        {
            throw new ArgumentException("A cursor key needs at least 128 bits.", nameof(key));
        }

        this.key = [.. key];
    }

    /// <summary>A cursor signer with a random key, valid for the life of the process.</summary>
    public static SearchCursor Ephemeral() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>Turns configured text into a key: base64 of at least 16 bytes, or any passphrase (hashed).</summary>
    public static byte[] KeyFromText(string text)
    {
        try
        {
            var bytes = Convert.FromBase64String(text);
            if (bytes.Length >= 16)
            {
                return bytes;
            }
        }
        catch (FormatException)
        {
            // Not base64: a passphrase.
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text));
    }

    public string Encode(int offset, IEnumerable<KeyValuePair<string, string>> query)
    {
        Span<byte> token = stackalloc byte[PayloadLength + TagLength];
        token[0] = FormatVersion;
        BinaryPrimitives.WriteInt32BigEndian(token[1..], offset);
        Fingerprint(query).CopyTo(token[5..]);
        HMACSHA256.HashData(key, token[..PayloadLength], token[PayloadLength..]);
        return Base64Url(token);
    }

    /// <summary>The offset a cursor stands for; 400 when it is malformed, forged or from another query.</summary>
    public int Decode(string cursor, IEnumerable<KeyValuePair<string, string>> query)
    {
        var token = FromBase64Url(cursor);
        if (token is null || token.Length != PayloadLength + TagLength || token[0] != FormatVersion)
        {
            throw Invalid();
        }

        Span<byte> expected = stackalloc byte[TagLength];
        HMACSHA256.HashData(key, token.AsSpan(0, PayloadLength), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, token.AsSpan(PayloadLength)))
        {
            throw Invalid();
        }

        if (!CryptographicOperations.FixedTimeEquals(Fingerprint(query), token.AsSpan(5, FingerprintLength)))
        {
            throw FhirException.BadRequest("The paging cursor belongs to a different search; follow the links of the Bundle.", Parameter);
        }

        var offset = BinaryPrimitives.ReadInt32BigEndian(token.AsSpan(1));
        return offset >= 0 ? offset : throw Invalid();
    }

    /// <summary>What a cursor is bound to: the query without the cursor itself, in a stable order.</summary>
    private static byte[] Fingerprint(IEnumerable<KeyValuePair<string, string>> query)
    {
        var canonical = string.Join(
            "&",
            query.Where(q => q.Key != Parameter)
                .OrderBy(q => q.Key, StringComparer.Ordinal)
                .ThenBy(q => q.Value, StringComparer.Ordinal)
                .Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical))[..FingerprintLength];
    }

    private static FhirException Invalid() =>
        FhirException.BadRequest("The paging cursor is not valid (it may have been altered); follow the links of the Bundle.", Parameter);

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        if (text.Length > 200)
        {
            return null;
        }

        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 += (base64.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
