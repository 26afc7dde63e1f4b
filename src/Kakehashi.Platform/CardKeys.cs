using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform;

/// <summary>
/// The key a card's user certificate (利用者証明用電子証明書) is found by: SHA-256 over its issuer
/// (attribute=value pairs, sorted, so that the order a DN is written in does not matter) and its
/// serial number (hex, upper case, no leading zeros). Only this hash is stored; the certificate
/// and its serial are not. From a certificate as read at the reader, or from the issuer and
/// serial an insurer sends when it links the card.
/// </summary>
public static class CardKeys
{
    private const string Domain = "kakehashi-card-v1";

    /// <summary>The key of a DER certificate (base64); 400 if it is not one.</summary>
    public static string FromCertificate(string? base64, DateTimeOffset now, string location)
    {
        byte[] der;
        try
        {
            der = Convert.FromBase64String((base64 ?? "").Trim());
        }
        catch (FormatException)
        {
            throw Malformed("The card certificate is not base64 (send the DER bytes of the certificate as read at the card reader).", location);
        }

        if (der.Length == 0)
        {
            throw Malformed("The card certificate is empty.", location);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            throw Malformed("The card certificate is not an X.509 certificate in DER form.", location);
        }

        using (certificate)
        {
            if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
            {
                throw new FhirException(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Expired,
                    "The card certificate is outside its validity period (the card's certificate must be renewed at the municipality).", location);
            }

            return Key(certificate.IssuerName, certificate.SerialNumber);
        }
    }

    /// <summary>The key from an issuer DN and a hex serial, as an insurer links them.</summary>
    public static string FromIssuerAndSerial(string? issuer, string? serial, string location)
    {
        if (string.IsNullOrWhiteSpace(issuer) || string.IsNullOrWhiteSpace(serial))
        {
            throw Unprocessable("A card link needs the certificate's issuer (DN) and serial number (hex).", location);
        }

        if (InsuranceNumbers.LooksLikeMyNumber(serial))
        {
            throw Unprocessable("The card serial " + InsuranceNumbers.MyNumberRefusal, location);
        }

        var hex = serial.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim();
        if (hex.Length > 64 || !hex.All(char.IsAsciiHexDigit))
        {
            throw Unprocessable($"The card serial must be the certificate's serial number in hex (at most 32 bytes).", location);
        }

        X500DistinguishedName name;
        try
        {
            name = new X500DistinguishedName(issuer);
        }
        catch (CryptographicException)
        {
            throw Unprocessable("The card issuer is not a distinguished name such as 'C=JP, O=JPKI, OU=…'.", location);
        }

        return Key(name, hex);
    }

    /// <summary>The key of a certificate already parsed and checked (the card sign-in).</summary>
    public static string Of(X509Certificate2 certificate) => Key(certificate.IssuerName, certificate.SerialNumber);

    /// <summary>True for a value that could be a key (64 lower-case hex digits).</summary>
    public static bool IsKey(string? value) => value is { Length: 64 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static string Key(X500DistinguishedName issuer, string serialHex)
    {
        var parts = new List<string>();
        foreach (var rdn in issuer.EnumerateRelativeDistinguishedNames())
        {
            // A multi-valued RDN (rare) is kept whole, as its DER bytes.
            parts.Add(rdn.HasMultipleElements
                ? "rdn=" + Convert.ToHexString(rdn.RawData.Span)
                : rdn.GetSingleElementType().Value + "=" + (rdn.GetSingleElementValue() ?? "").Trim());
        }

        parts.Sort(StringComparer.Ordinal);
        var serial = serialHex.ToUpperInvariant().TrimStart('0');
        var text = Domain + "\n" + string.Join("\n", parts) + "\n" + (serial.Length == 0 ? "0" : serial);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static FhirException Malformed(string message, string location) =>
        new(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, message, location);

    private static FhirException Unprocessable(string message, string location) =>
        new(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.BusinessRule, message, location);
}
