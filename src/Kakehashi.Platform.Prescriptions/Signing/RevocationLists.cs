using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kakehashi.Fhir.Errors;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>
/// The certificate revocation lists the operator uploaded, one current list per certification
/// authority. The server has no network access to the CAs' distribution points, so revocation is
/// checked against these lists only. A list is accepted only when a known CA (a trust anchor or a
/// configured intermediate that chains to one) signed it; the newest per CA is kept. Thread-safe:
/// readers see a snapshot, an upload replaces it.
/// </summary>
public sealed class RevocationLists
{
    private readonly List<Authority> authorities = [];
    private readonly Lock gate = new();
    private ImmutableDictionary<string, CurrentList> lists = ImmutableDictionary<string, CurrentList>.Empty;

    /// <param name="trustAnchors">The same roots the signature verifier trusts.</param>
    /// <param name="intermediates">Intermediate CAs whose lists are accepted too; each must chain to a trust anchor.</param>
    public RevocationLists(X509Certificate2Collection trustAnchors, IEnumerable<X509Certificate2>? intermediates = null)
    {
        foreach (var anchor in trustAnchors)
        {
            authorities.Add(new Authority(anchor, Thumbprint(anchor), new X509CertificateParser().ReadCertificate(anchor.RawData)));
        }

        foreach (var intermediate in intermediates ?? [])
        {
            if (!ChainsTo(intermediate, trustAnchors))
            {
                throw new ArgumentException($"The intermediate CA '{intermediate.Subject}' does not chain to a trust anchor.", nameof(intermediates));
            }

            authorities.Add(new Authority(intermediate, Thumbprint(intermediate), new X509CertificateParser().ReadCertificate(intermediate.RawData)));
        }
    }

    /// <summary>
    /// Adds a CRL (DER or PEM). Returns true when it became the CA's current list, false when the
    /// list already held is as new or newer (an old upload never replaces a newer one).
    /// </summary>
    /// <exception cref="FhirException">400: not a CRL. 422: not signed by a known CA, or a delta CRL.</exception>
    public bool Add(byte[] crlDer)
    {
        var crl = Parse(crlDer);
        if (crl.GetExtensionValue(X509Extensions.DeltaCrlIndicator) is not null)
        {
            throw FhirException.Unprocessable("Delta CRLs are not supported: upload the CA's complete revocation list.");
        }

        var authority = authorities.FirstOrDefault(a => a.Bc.SubjectDN.Equivalent(crl.IssuerDN) && SignedBy(crl, a.Bc))
            ?? throw FhirException.Unprocessable($"The revocation list of '{crl.IssuerDN}' is not signed by a known certification authority: only the trust anchors and their configured intermediates may publish revocations.");

        var candidate = new CurrentList(crl, Number(crl));
        lock (gate)
        {
            if (lists.TryGetValue(authority.Thumbprint, out var held) && !candidate.IsNewerThan(held))
            {
                return false;
            }

            lists = lists.SetItem(authority.Thumbprint, candidate);
            return true;
        }
    }

    /// <summary>Whether the CA <paramref name="issuer"/> revoked <paramref name="certificate"/>, by its current list.</summary>
    public RevocationCheck Check(X509Certificate2 certificate, X509Certificate2 issuer, DateTimeOffset now)
    {
        if (!Volatile.Read(ref lists).TryGetValue(Thumbprint(issuer), out var current))
        {
            return new RevocationCheck(RevocationState.NoList, null, null);
        }

        var entry = current.Crl.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(1, certificate.SerialNumberBytes.ToArray()));
        if (entry is not null)
        {
            return new RevocationCheck(RevocationState.Revoked, new DateTimeOffset(entry.RevocationDate, TimeSpan.Zero), null);
        }

        var nextUpdate = current.Crl.NextUpdate is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : (DateTimeOffset?)null;
        return nextUpdate < now
            ? new RevocationCheck(RevocationState.Outdated, null, nextUpdate)
            : new RevocationCheck(RevocationState.Good, null, nextUpdate);
    }

    private static X509Crl Parse(byte[] crlDer)
    {
        try
        {
            return new X509CrlParser().ReadCrl(crlDer) ?? throw new FormatException();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            throw FhirException.BadRequest("The file is not an X.509 certificate revocation list (DER or PEM).");
        }
    }

    private static bool SignedBy(X509Crl crl, BcCertificate authority)
    {
        try
        {
            return crl.IsSignatureValid(authority.GetPublicKey());
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A key of another type than the CRL's algorithm: not this authority's list.
            return false;
        }
    }

    private static Org.BouncyCastle.Math.BigInteger? Number(X509Crl crl) =>
        X509ExtensionUtilities.FromExtensionValue(crl, X509Extensions.CrlNumber) is { } number ? DerInteger.GetInstance(number).Value : null;

    private static bool ChainsTo(X509Certificate2 intermediate, X509Certificate2Collection anchors)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        // Configuration is checked once at start; a CA expiring later is the verifier's concern at signing time.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(intermediate);
    }

    internal static string Thumbprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    private sealed record Authority(X509Certificate2 Certificate, string Thumbprint, BcCertificate Bc);

    private sealed record CurrentList(X509Crl Crl, Org.BouncyCastle.Math.BigInteger? Number)
    {
        // The CRL number orders a CA's lists (RFC 5280 §5.2.3); without one on both, thisUpdate does.
        public bool IsNewerThan(CurrentList held) => Number is not null && held.Number is not null
            ? Number.CompareTo(held.Number) > 0
            : Crl.ThisUpdate > held.Crl.ThisUpdate;
    }
}

public enum RevocationState
{
    /// <summary>The CA's current list does not name the certificate.</summary>
    Good,

    /// <summary>The CA's current list does not name it, but that list is past its nextUpdate.</summary>
    Outdated,

    /// <summary>No list of this CA was uploaded.</summary>
    NoList,

    Revoked,
}

/// <summary>The answer of the CA's current list: revoked since when, or good until the list's nextUpdate.</summary>
public sealed record RevocationCheck(RevocationState State, DateTimeOffset? RevokedAt, DateTimeOffset? NextUpdate);
