using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kakehashi.Server.Tests.Eligibility;

/// <summary>
/// Card user certificates made by the tests themselves: a test CA (ECDSA) issues certificates
/// with random serials, like the user-authentication certificate a card reader reads.
/// </summary>
public static class TestCards
{
    public const string IssuerName = "C=JP, O=Kakehashi Test JPKI, OU=User Authentication CA";

    private static readonly Lazy<X509Certificate2> Authority = new(() =>
    {
        // Not disposed: the CA certificate signs with it for the whole test run.
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(IssuerName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(10));
    });

    /// <summary>The test CA's certificate as a PEM file, for a server that trusts it for the card sign-in.</summary>
    public static string AuthorityPemFile => AuthorityFile.Value;

    private static readonly Lazy<string> AuthorityFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), "kakehashi-test-jpki-" + Guid.NewGuid().ToString("N") + ".pem");
        File.WriteAllText(path, Authority.Value.ExportCertificatePem());
        return path;
    });

    /// <summary>A new card certificate: its DER in base64, its serial (hex) and the issuer DN.</summary>
    public static TestCard Issue(TimeSpan? validFor = null, DateTimeOffset? notBefore = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Issue(key, validFor, notBefore);
    }

    /// <summary>A card whose private key the test keeps, to sign a sign-in challenge as the card does.</summary>
    public static (TestCard Card, ECDsa Key) IssueSigning(TimeSpan? validFor = null, DateTimeOffset? notBefore = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (Issue(key, validFor, notBefore), key);
    }

    public static string Sign(ECDsa key, string challenge) =>
        Convert.ToBase64String(key.SignData(System.Text.Encoding.ASCII.GetBytes(challenge), HashAlgorithmName.SHA256));

    private static TestCard Issue(ECDsa key, TimeSpan? validFor, DateTimeOffset? notBefore)
    {
        var request = new CertificateRequest("CN=" + Guid.NewGuid().ToString("N"), key, HashAlgorithmName.SHA256);
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7F; // positive
        serial[0] |= 0x10; // no leading zero byte
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        using var certificate = request.Create(Authority.Value, from, from + (validFor ?? TimeSpan.FromDays(365 * 5)), serial);
        return new TestCard(Convert.ToBase64String(certificate.RawData), Convert.ToHexString(serial), IssuerName);
    }
}

public sealed record TestCard(string CertificateBase64, string SerialHex, string Issuer);
