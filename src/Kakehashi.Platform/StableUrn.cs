using System.Security.Cryptography;
using System.Text;

namespace Kakehashi.Platform;

/// <summary>
/// A stable <c>urn:uuid:</c> for an entry of a generated Bundle, derived from its source (a stored
/// resource's <c>Type/id</c>…): the same source gives the same fullUrl in every answer, so a client
/// comparing two answers sees the same entries.
/// </summary>
public static class StableUrn
{
    public static string For(string source)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(source));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5 (name-based)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return "urn:uuid:" + new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
