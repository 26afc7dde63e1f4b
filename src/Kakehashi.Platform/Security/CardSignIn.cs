using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kakehashi.Platform.Services;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Kakehashi.Platform.Security;

/// <summary>
/// Signing in with the My Number card (docs/security/card-sign-in.md), as JPKI's user
/// authentication works minus the card reader: the server hands out a one-time challenge, the
/// card signs it with the private key of its user certificate (利用者証明用電子証明書), and the
/// server checks the certificate (validity, a chain to a trusted JPKI issuer, digital-signature
/// use), the signature over the challenge, that the challenge is fresh and unused, and which
/// patient the card is linked to (the qualification register's card link). The card never
/// carries the My Number itself; neither is it needed.
/// </summary>
public sealed class CardSignIn(CardTrust trust, ServerKeys keys, SecurityStore store, IQualificationRegistry registry, TimeProvider time)
{
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    private const string ReplayScope = "card-sign-in";

    private readonly byte[] macKey = SHA256.HashData([.. "kakehashi-card-challenge-v1"u8, .. keys.Encryption.Key]);

    public bool Enabled => trust.Issuers.Count > 0;

    /// <summary>A challenge: a random nonce and its expiry, authenticated by the server (no state until it is used).</summary>
    public string NewChallenge()
    {
        var payload = new byte[32];
        RandomNumberGenerator.Fill(payload.AsSpan(0, 24));
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(24), (time.GetUtcNow() + ChallengeLifetime).ToUnixTimeSeconds());
        return Base64UrlEncoder.Encode(payload) + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(macKey, payload).AsSpan(0, 16).ToArray());
    }

    /// <summary>The patient the card signs in, or why not (a sentence for the person, nothing about the card's owner).</summary>
    public async Task<CardSignInResult> VerifyAsync(string? challenge, string? certificateBase64, string? signatureBase64, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return CardSignInResult.Refused(CardRefusal.NotOffered);
        }

        var parts = (challenge ?? "").Split('.');
        byte[] payload, mac;
        try
        {
            payload = Base64UrlEncoder.DecodeBytes(parts[0]);
            mac = parts.Length == 2 ? Base64UrlEncoder.DecodeBytes(parts[1]) : [];
        }
        catch (FormatException)
        {
            return CardSignInResult.Refused(CardRefusal.Challenge);
        }

        if (payload.Length != 32 || mac.Length != 16 || !CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(macKey, payload).AsSpan(0, 16)))
        {
            return CardSignInResult.Refused(CardRefusal.Challenge);
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(24)));
        var now = time.GetUtcNow();
        if (now > expires)
        {
            return CardSignInResult.Refused(CardRefusal.Challenge);
        }

        X509Certificate2 certificate;
        byte[] signature;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String((certificateBase64 ?? "").Trim()));
            signature = Convert.FromBase64String((signatureBase64 ?? "").Trim());
        }
        catch (Exception error) when (error is FormatException or CryptographicException)
        {
            return CardSignInResult.Refused(CardRefusal.Certificate);
        }

        using (certificate)
        {
            if (!IsTrusted(certificate, now))
            {
                return CardSignInResult.Refused(CardRefusal.Certificate);
            }

            if (!Verifies(certificate, Encoding.ASCII.GetBytes(challenge!), signature))
            {
                return CardSignInResult.Refused(CardRefusal.Signature);
            }

            // A signed challenge signs in once: a copy of the form cannot sign in again.
            if (!await store.TryUseAssertionAsync(ReplayScope, parts[0], expires, cancellationToken))
            {
                return CardSignInResult.Refused(CardRefusal.Challenge);
            }

            var patients = await registry.CardHoldersAsync(CardKeys.Of(certificate), cancellationToken);
            return patients.Count == 1 ? CardSignInResult.SignedIn(patients[0]) : CardSignInResult.Refused(CardRefusal.NotLinked);
        }
    }

    private bool IsTrusted(X509Certificate2 certificate, DateTimeOffset now)
    {
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            return false;
        }

        // The user certificate signs (digital signature); a CA certificate presented as a card is refused.
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (usage is not null && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            return false;
        }

        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trust.Issuers.ToArray());
        // Revocation is J-LIS's OCSP/CRL service in production, which this machine cannot reach: documented, not faked.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        return chain.Build(certificate);
    }

    private static bool Verifies(X509Certificate2 certificate, byte[] data, byte[] signature)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using var ecdsa = certificate.GetECDsaPublicKey();
        return ecdsa is not null && ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256);
    }
}

public enum CardRefusal
{
    NotOffered,
    Challenge,
    Certificate,
    Signature,
    NotLinked,
}

public sealed record CardSignInResult(string? PatientId, CardRefusal? Refusal)
{
    public static CardSignInResult SignedIn(string patientId) => new(patientId, null);

    public static CardSignInResult Refused(CardRefusal why) => new(null, why);
}

/// <summary>The issuers whose user certificates sign in: configured PEM files, and the demo's test CA in demo mode.</summary>
public sealed class CardTrust
{
    private readonly List<X509Certificate2> issuers = [];

    public CardTrust(IOptions<SecurityOptions> options)
    {
        foreach (var path in options.Value.CardSignIn.TrustedIssuers)
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPemFile(path);
            issuers.AddRange(collection);
        }
    }

    public IReadOnlyList<X509Certificate2> Issuers
    {
        get
        {
            lock (issuers)
            {
                return [.. issuers];
            }
        }
    }

    /// <summary>Adds an issuer at run time (the demo's own test CA).</summary>
    public void Add(X509Certificate2 issuer)
    {
        lock (issuers)
        {
            issuers.Add(issuer);
        }
    }
}
