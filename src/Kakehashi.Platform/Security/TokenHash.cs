using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Kakehashi.Platform.Security;

/// <summary>
/// SHA-256 of a bearer token: what <see cref="ActiveCallerCache"/> keys validated tokens by, so
/// that the cache never holds a usable token and two tokens differing in any character never share
/// an entry.
/// </summary>
internal readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
{
    // Tokens of this server are ~1 kB; a larger header is hashed from a pooled buffer.
    private const int StackLimit = 4096;

    public static TokenHash Of(ReadOnlySpan<char> token)
    {
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        var rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> bytes = rented is null ? stackalloc byte[StackLimit] : rented;
            var written = Encoding.UTF8.GetBytes(token, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], hash);
            var words = MemoryMarshal.Cast<byte, ulong>(hash);
            return new TokenHash(words[0], words[1], words[2], words[3]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
