using System.Security.Cryptography.X509Certificates;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>The root CAs whose signers' prescriptions are accepted, read from configured files.</summary>
public static class TrustAnchors
{
    /// <summary>Reads each file as PEM (any number of certificates) or, when it is not PEM text, as one DER certificate.</summary>
    public static X509Certificate2Collection Load(IEnumerable<string> pemOrDerPaths)
    {
        var anchors = new X509Certificate2Collection();
        foreach (var path in pemOrDerPaths)
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0)
            {
                anchors.ImportFromPemFile(path);
            }
            else
            {
                anchors.Add(X509CertificateLoader.LoadCertificate(bytes));
            }
        }

        return anchors;
    }
}
