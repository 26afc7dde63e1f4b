using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>
/// Signs a prescription or dispensing result as a prescriber's system would: the canonical JSON
/// of the Bundle (any old signature removed) is signed as a detached JWS and written into
/// Bundle.signature. The platform itself signs nothing with a holder's key; this is the other side
/// of <see cref="SignatureVerifier"/>, for tests, the demo and integrators' reference.
/// </summary>
public static class PrescriptionSigner
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="bundleJson">The Bundle's JSON.</param>
    /// <param name="leafWithKey">The holder's signing certificate with its private key (ECDSA P-256 gives ES256, RSA gives RS256).</param>
    /// <param name="chain">The intermediate CA certificates to send in x5c after the leaf (may be empty).</param>
    /// <param name="when">The signing time for Bundle.signature.when.</param>
    /// <param name="practitionerReference">Bundle.signature.who, e.g. <c>urn:uuid:…</c> of the Practitioner entry.</param>
    /// <returns>The Bundle's JSON with <c>signature</c> set: its other properties as they were, compact.</returns>
    public static byte[] Sign(byte[] bundleJson, X509Certificate2 leafWithKey, IEnumerable<X509Certificate2> chain, DateTimeOffset when, string practitionerReference)
    {
        using var document = PrescriptionCanonicalJson.Parse(bundleJson);
        var jws = JwsSignature.Create(PrescriptionCanonicalJson.Canonicalize(document.RootElement), leafWithKey, chain);
        var signature = new BundleSignature(when, practitionerReference, jws);

        var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, Compact))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!property.NameEquals("signature"))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WritePropertyName("signature");
            signature.WriteTo(writer);
            writer.WriteEndObject();
        }

        return output.ToArray();
    }
}
