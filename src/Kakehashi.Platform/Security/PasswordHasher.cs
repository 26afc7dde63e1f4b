using System.Globalization;
using System.Security.Cryptography;

namespace Kakehashi.Platform.Security;

/// <summary>
/// Salted, slow, irreversible hashes for passwords and client secrets: PBKDF2-HMAC-SHA256,
/// stored as <c>pbkdf2-sha256$iterations$salt$hash</c> so the iteration count can rise later
/// without invalidating existing hashes.
/// </summary>
public static class PasswordHasher
{
    private const string Scheme = "pbkdf2-sha256";

    public static string Hash(string secret, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public static bool Verify(string secret, string? stored)
    {
        var parts = stored?.Split('$');
        if (parts is not [Scheme, var count, var salt, var expected] || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(secret, Convert.FromBase64String(salt), iterations, HashAlgorithmName.SHA256, 32);
        return CryptographicOperations.FixedTimeEquals(actual, Convert.FromBase64String(expected));
    }
}
