using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>
/// The JWS algorithms (RFC 7518) a prescription may be signed with: ES256 is the one signers are
/// asked for; RS256 and PS256 are accepted because HPKI cards in use carry RSA keys.
/// </summary>
public static class JwsAlgorithms
{
    public const string ES256 = "ES256";
    public const string RS256 = "RS256";
    public const string PS256 = "PS256";

    public static IReadOnlyList<string> Accepted { get; } = [ES256, RS256, PS256];

    public static bool IsAccepted(string algorithm) => Accepted.Contains(algorithm, StringComparer.Ordinal);

    /// <summary>The algorithm a signer uses for its key: ES256 for a P-256 key, RS256 for RSA.</summary>
    public static string For(X509Certificate2 certificate)
    {
        using (var ecdsa = certificate.GetECDsaPublicKey())
        {
            if (ecdsa is not null)
            {
                return ecdsa.KeySize == 256 ? ES256 : throw new ArgumentException("An ECDSA signing key must be on P-256 (ES256).", nameof(certificate));
            }
        }

        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null ? RS256 : throw new ArgumentException("The signing key is neither ECDSA P-256 nor RSA.", nameof(certificate));
    }

    /// <summary>Signs with the certificate's private key; ECDSA signatures are R‖S as JWS wants (not DER).</summary>
    public static byte[] Sign(string algorithm, X509Certificate2 certificateWithKey, ReadOnlySpan<byte> data)
    {
        if (algorithm == ES256)
        {
            using var ecdsa = certificateWithKey.GetECDsaPrivateKey() ?? throw new ArgumentException("The certificate has no ECDSA private key.", nameof(certificateWithKey));
            return Sign(ecdsa, data);
        }

        using var rsa = certificateWithKey.GetRSAPrivateKey() ?? throw new ArgumentException("The certificate has no RSA private key.", nameof(certificateWithKey));
        return rsa.SignData(data.ToArray(), HashAlgorithmName.SHA256, Padding(algorithm));
    }

    public static byte[] Sign(ECDsa key, ReadOnlySpan<byte> data) =>
        key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Whether the signature verifies with the certificate's public key; false also when the key does not fit the algorithm.</summary>
    public static bool Verify(string algorithm, X509Certificate2 certificate, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!IsAccepted(algorithm))
        {
            return false;
        }

        if (algorithm == ES256)
        {
            using var ecdsa = certificate.GetECDsaPublicKey();
            return ecdsa is not null && Verify(ecdsa, data, signature);
        }

        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, Padding(algorithm));
    }

    /// <summary>ES256 verification: the key must be P-256 (ES256 names the curve as well as the hash).</summary>
    public static bool Verify(ECDsa key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        key.KeySize == 256 && key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    // PS256: RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt, which is .NET's Pss.
    private static RSASignaturePadding Padding(string algorithm) => algorithm == PS256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
}
