using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>
/// A JWS in compact serialization with a detached payload (RFC 7515 Appendix F):
/// <c>header..signature</c>. The payload is the prescription's canonical JSON, which the reader
/// computes itself; the header names the algorithm and carries the signer's certificates (x5c,
/// leaf first, then intermediates).
/// </summary>
public sealed class JwsSignature : IDisposable
{
    private const string Location = "Bundle.signature.data";

    private readonly string encodedHeader;
    private readonly byte[] signature;

    private JwsSignature(string encodedHeader, string algorithm, List<X509Certificate2> certificates, byte[] signature)
    {
        this.encodedHeader = encodedHeader;
        this.signature = signature;
        Algorithm = algorithm;
        Certificates = certificates;
    }

    public string Algorithm { get; }

    /// <summary>The x5c certificates: the signer's first, then the intermediates it sent.</summary>
    public IReadOnlyList<X509Certificate2> Certificates { get; }

    public X509Certificate2 Leaf => Certificates[0];

    /// <summary>Signs a canonical payload: a detached JWS whose header carries the signer's chain.</summary>
    public static string Create(ReadOnlySpan<byte> payload, X509Certificate2 leafWithKey, IEnumerable<X509Certificate2> intermediates)
    {
        var algorithm = JwsAlgorithms.For(leafWithKey);
        var header = new MemoryStream();
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", algorithm);
            writer.WriteStartArray("x5c");
            writer.WriteStringValue(Convert.ToBase64String(leafWithKey.RawData));
            foreach (var certificate in intermediates)
            {
                writer.WriteStringValue(Convert.ToBase64String(certificate.RawData));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var encodedHeader = Base64Url.EncodeToString(header.ToArray());
        var signature = JwsAlgorithms.Sign(algorithm, leafWithKey, SigningInput(encodedHeader, payload));
        return encodedHeader + ".." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Reads <c>header..signature</c>; refuses (400) what is not one, and (422) an algorithm not accepted.</summary>
    public static JwsSignature Parse(string compact)
    {
        var parts = compact.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[2].Length == 0)
        {
            throw FhirException.BadRequest("The signature is not a JWS in compact serialization (header..signature).", Location);
        }

        if (parts[1].Length != 0)
        {
            throw FhirException.BadRequest("The JWS must have a detached payload (header..signature): the signed content is the prescription itself, not a copy inside the signature.", Location);
        }

        byte[] signature;
        JsonDocument header;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
            header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        }
        catch (Exception error) when (error is FormatException or JsonException)
        {
            throw FhirException.BadRequest("The JWS header or signature is not valid base64url, or the header is not JSON.", Location);
        }

        using (header)
        {
            var root = header.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String)
            {
                throw FhirException.BadRequest("The JWS header names no algorithm (alg).", Location);
            }

            var algorithm = alg.GetString()!;
            if (!JwsAlgorithms.IsAccepted(algorithm))
            {
                throw FhirException.Unprocessable($"The signature algorithm '{algorithm}' is not accepted: sign with ES256 (RS256 and PS256 are also accepted).", Location);
            }

            // A critical header parameter must be understood (RFC 7515 §4.1.11), and this reader understands none.
            if (root.TryGetProperty("crit", out _))
            {
                throw FhirException.Unprocessable("The JWS header lists critical parameters (crit), which this server does not support.", Location);
            }

            return new JwsSignature(parts[0], algorithm, ReadCertificates(root), signature);
        }
    }

    /// <summary>Whether the signature verifies over the payload with the leaf certificate's public key.</summary>
    public bool Verifies(ReadOnlySpan<byte> payload) =>
        JwsAlgorithms.Verify(Algorithm, Leaf, SigningInput(encodedHeader, payload), signature);

    public void Dispose()
    {
        foreach (var certificate in Certificates)
        {
            certificate.Dispose();
        }
    }

    /// <summary>ASCII(BASE64URL(header) '.' BASE64URL(payload)): a detached payload is still signed encoded (RFC 7515 Appendix F).</summary>
    private static byte[] SigningInput(string encodedHeader, ReadOnlySpan<byte> payload) =>
        Encoding.ASCII.GetBytes(encodedHeader + "." + Base64Url.EncodeToString(payload));

    private static List<X509Certificate2> ReadCertificates(JsonElement header)
    {
        if (!header.TryGetProperty("x5c", out var x5c) || x5c.ValueKind != JsonValueKind.Array || x5c.GetArrayLength() == 0)
        {
            throw FhirException.BadRequest("The JWS header carries no signer certificate (x5c): send the signer's certificate first, then its intermediates.", Location);
        }

        var certificates = new List<X509Certificate2>();
        try
        {
            foreach (var item in x5c.EnumerateArray())
            {
                // x5c is standard base64 of DER (RFC 7515 §4.1.6), not base64url.
                var der = item.ValueKind == JsonValueKind.String ? Convert.FromBase64String(item.GetString()!) : throw new FormatException();
                certificates.Add(X509CertificateLoader.LoadCertificate(der));
            }
        }
        catch (Exception error) when (error is FormatException or CryptographicException)
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            throw FhirException.BadRequest($"Certificate {certificates.Count + 1} of the JWS header (x5c) is not a base64 DER X.509 certificate.", Location);
        }

        return certificates;
    }
}
