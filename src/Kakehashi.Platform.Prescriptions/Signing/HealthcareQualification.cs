using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>The national qualification of a signer, as the leaf certificate states it (HPKI's hcRole).</summary>
public enum HealthcareQualification
{
    Doctor,
    Dentist,
    Pharmacist,
}

/// <summary>
/// The certificate extension that carries the holder's qualification. It stands for HPKI's
/// hcRole attribute (JIS/ISO 17090): the value is a DER UTF8String naming the role. The OID is
/// under the Japanese healthcare arc (1.2.392.100495) and is the platform's own until the
/// certificates of the real HPKI CAs are read the way they encode hcRole.
/// </summary>
public static class HealthcareQualificationExtension
{
    public const string Oid = "1.2.392.100495.1.6.1.1";

    private static readonly Dictionary<HealthcareQualification, string> Names = new()
    {
        [HealthcareQualification.Doctor] = "Medical Doctor",
        [HealthcareQualification.Dentist] = "Dentist",
        [HealthcareQualification.Pharmacist] = "Pharmacist",
    };

    /// <summary>The role name written in the certificate: "Medical Doctor", "Dentist" or "Pharmacist".</summary>
    public static string NameOf(HealthcareQualification qualification) => Names[qualification];

    /// <summary>The extension for a certificate request (not critical: software that does not know it still reads the certificate).</summary>
    public static X509Extension Create(HealthcareQualification qualification)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, NameOf(qualification));
        return new X509Extension(Oid, writer.Encode(), critical: false);
    }

    /// <summary>The qualification the certificate states; null when it has no such extension.</summary>
    /// <exception cref="CryptographicException">The extension is there but does not name a known qualification.</exception>
    public static HealthcareQualification? Read(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[Oid];
        if (extension is null)
        {
            return null;
        }

        string name;
        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            name = reader.ReadCharacterString(UniversalTagNumber.UTF8String);
            reader.ThrowIfNotEmpty();
        }
        catch (AsnContentException error)
        {
            throw new CryptographicException("The qualification extension is not a DER UTF8String.", error);
        }

        foreach (var (qualification, text) in Names)
        {
            if (string.Equals(text, name, StringComparison.Ordinal))
            {
                return qualification;
            }
        }

        throw new CryptographicException($"The qualification '{name}' is not one of Medical Doctor, Dentist or Pharmacist.");
    }
}
