using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>
/// A stand-in for an HPKI certification authority, for tests and the demo only — NOT for
/// production: its key lives in a PEM file or in memory, and whoever holds it can issue a
/// "doctor". It is an ECDSA P-256 root that issues signing certificates with the holder's
/// qualification (<see cref="HealthcareQualificationExtension"/>) and publishes CRLs.
/// </summary>
public sealed class HpkiTestAuthority : IDisposable
{
    public const string DefaultName = "CN=Kakehashi HPKI Test Root CA";

    private HpkiTestAuthority(X509Certificate2 root) => Root = root;

    /// <summary>The root certificate, with its private key.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The root certificate without its key: what a verifier trusts.</summary>
    public X509Certificate2 TrustAnchor() => X509CertificateLoader.LoadCertificate(Root.RawData);

    /// <summary>A new root, valid from five years before <paramref name="now"/> for twenty years (so tests can issue certificates in the past).</summary>
    /// <param name="now">The current time.</param>
    /// <param name="name">Another name, e.g. the same DN as a trusted root for an impostor.</param>
    public static HpkiTestAuthority Create(DateTimeOffset now, string name = DefaultName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return new HpkiTestAuthority(request.CreateSelfSigned(now.AddYears(-5), now.AddYears(20)));
    }

    /// <summary>Reads an authority written by <see cref="ExportPem"/>.</summary>
    public static HpkiTestAuthority ImportPem(string pem) => new(X509Certificate2.CreateFromPem(pem, pem));

    /// <summary>The authority in a data directory file, created there on first use (owner-only permissions).</summary>
    public static HpkiTestAuthority LoadOrCreate(string path, DateTimeOffset now)
    {
        if (File.Exists(path))
        {
            return ImportPem(File.ReadAllText(path));
        }

        var authority = Create(now);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(path, authority.ExportPem());
        return authority;
    }

    /// <summary>The root certificate and its private key (PKCS#8), as PEM.</summary>
    public string ExportPem()
    {
        using var key = Root.GetECDsaPrivateKey()!;
        return Root.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>A signing certificate (with its ECDSA P-256 private key) for a holder.</summary>
    /// <param name="holderName">The holder's name, the subject's CN.</param>
    /// <param name="qualification">The qualification to state; null issues one without it (a certificate that is not HPKI's).</param>
    /// <param name="notBefore">Start of validity.</param>
    /// <param name="notAfter">End of validity.</param>
    public X509Certificate2 Issue(string holderName, HealthcareQualification? qualification, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(holderName);
        subject.AddCountryOrRegion("JP");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        // nonRepudiation as HPKI's signature certificates: the holder's own act, not an authentication.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (qualification is { } q)
        {
            request.CertificateExtensions.Add(HealthcareQualificationExtension.Create(q));
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40); // positive, no leading zero byte
        using var certificate = request.Create(Root, notBefore, notAfter, serial);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>A CRL of this authority listing the given serials (hexadecimal), revoked at <paramref name="thisUpdate"/>.</summary>
    public byte[] CreateRevocationList(IEnumerable<string> revokedSerials, long crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var serial in revokedSerials)
        {
            builder.AddEntry(Convert.FromHexString(serial), thisUpdate, X509RevocationReason.KeyCompromise);
        }

        return builder.Build(Root, new BigInteger(crlNumber), nextUpdate, HashAlgorithmName.SHA256, thisUpdate: thisUpdate);
    }

    public void Dispose() => Root.Dispose();
}
