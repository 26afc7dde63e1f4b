using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kakehashi.Platform.Security;

namespace Kakehashi.Server.Demo;

/// <summary>
/// The demo's My Number card (docs/security/card-sign-in.md): a test certification authority named
/// like JPKI's user-authentication CA and one card issued by it to the demo patient 新井 修 — the
/// serial his Coverage in the demo population is linked to. Made once at first start (RSA 2048,
/// as the card's keys), kept owner-only in the data directory (never committed), and trusted in
/// demo mode only. <c>-- card-sign CHALLENGE</c> signs a sign-in challenge with it: what the card
/// reader and its app do with the real card.
/// </summary>
public static class DemoCard
{
    public const string CaFile = "demo-card-ca.pem";
    public const string CardFile = "demo-card.pem";

    /// <summary>The issuer and serial of the demo patient's card link in the demo population.</summary>
    public const string Issuer = "C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority Information Systems";

    public const string Serial = "D25FB51008C49944";

    /// <summary>Creates the test CA and the card when missing, and trusts the CA for card sign-in.</summary>
    public static void Ensure(string dataDirectory, CardTrust trust, TimeProvider time)
    {
        var folder = Path.Combine(dataDirectory, "security");
        var caPath = Path.Combine(folder, CaFile);
        var cardPath = Path.Combine(folder, CardFile);
        if (!File.Exists(caPath) || !File.Exists(cardPath))
        {
            Directory.CreateDirectory(folder);
            var now = time.GetUtcNow();
            using var caKey = RSA.Create(2048);
            var caRequest = new CertificateRequest(new X500DistinguishedName(Issuer), caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

            using var cardKey = RSA.Create(2048);
            var cardRequest = new CertificateRequest(new X500DistinguishedName("C=JP, CN=Kakehashi demo card"), cardKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            cardRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            cardRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            // A leading zero keeps the DER INTEGER positive; the card key ignores leading zeros.
            var serial = Convert.FromHexString("00" + Serial);
            using var card = cardRequest.Create(ca, now.AddDays(-1), now.AddYears(5), serial);

            Write(caPath, ca.ExportCertificatePem());
            Write(cardPath, card.ExportCertificatePem() + "\n" + cardKey.ExportPkcs8PrivateKeyPem());
        }

        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(caPath);
        foreach (var certificate in trusted)
        {
            trust.Add(certificate);
        }
    }

    /// <summary><c>-- card-sign CHALLENGE</c>: prints the card's certificate and its signature over the challenge, each on a line (exit code 1 without a card).</summary>
    public static int Sign(string dataDirectory, string challenge)
    {
        var path = Path.Combine(dataDirectory, "security", CardFile);
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"No demo card in {Path.GetFullPath(path)} (start the server once first).");
            return 1;
        }

        using var card = X509Certificate2.CreateFromPemFile(path);
        using var key = card.GetRSAPrivateKey()!;
        var signature = key.SignData(Encoding.ASCII.GetBytes(challenge.Trim()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Console.WriteLine(Convert.ToBase64String(card.Export(X509ContentType.Cert)));
        Console.WriteLine(Convert.ToBase64String(signature));
        return 0;
    }

    private static void Write(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
