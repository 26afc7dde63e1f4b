using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>
/// Bundle.signature of a signed prescription or dispensing result, read from and written to the
/// Bundle's JSON: the author's signature (ASTM E1762), when, who, <c>application/jose</c> and the
/// detached JWS in <c>data</c> (base64 of its compact text).
/// </summary>
public sealed partial record BundleSignature(DateTimeOffset When, string Who, string Jws)
{
    public const string TypeSystem = "urn:iso-astm:E1762-95:2013";
    public const string AuthorsSignature = "1.2.840.10065.1.12.1.1";
    public const string SigFormat = "application/jose";

    /// <summary>Reads the root's signature; 400 for what is missing or malformed, 422 for another kind of signature.</summary>
    public static BundleSignature Read(JsonElement bundle)
    {
        if (!bundle.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Bundle")
        {
            throw FhirException.BadRequest("The signed document must be a FHIR Bundle (resourceType 'Bundle').", "Bundle.resourceType");
        }

        if (!bundle.TryGetProperty("signature", out var signature))
        {
            throw FhirException.BadRequest("The prescription is not signed: Bundle.signature is missing.", "Bundle.signature");
        }

        if (signature.ValueKind != JsonValueKind.Object)
        {
            throw FhirException.BadRequest("Bundle.signature must be one Signature object.", "Bundle.signature");
        }

        ReadType(signature);
        var when = ReadWhen(signature);
        var who = signature.TryGetProperty("who", out var whoElement) && whoElement.ValueKind == JsonValueKind.Object
            && whoElement.TryGetProperty("reference", out var reference) && reference.ValueKind == JsonValueKind.String && reference.GetString()!.Length > 0
            ? reference.GetString()!
            : throw FhirException.BadRequest("Bundle.signature.who must reference the signing Practitioner.", "Bundle.signature.who");

        if (!signature.TryGetProperty("sigFormat", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != SigFormat)
        {
            throw FhirException.BadRequest($"Bundle.signature.sigFormat must be '{SigFormat}': the signature is a JWS.", "Bundle.signature.sigFormat");
        }

        return new BundleSignature(when, who, ReadData(signature));
    }

    /// <summary>Writes the signature object (the value of the Bundle's <c>signature</c> property).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("type");
        writer.WriteStartObject();
        writer.WriteString("system", TypeSystem);
        writer.WriteString("code", AuthorsSignature);
        writer.WriteString("display", "Author's Signature");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString("when", When.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
        writer.WriteStartObject("who");
        writer.WriteString("reference", Who);
        writer.WriteEndObject();
        writer.WriteString("sigFormat", SigFormat);
        writer.WriteString("data", Convert.ToBase64String(Encoding.ASCII.GetBytes(Jws)));
        writer.WriteEndObject();
    }

    private static void ReadType(JsonElement signature)
    {
        if (!signature.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.Array || type.GetArrayLength() == 0)
        {
            throw FhirException.BadRequest("Bundle.signature.type is missing: it must name the author's signature.", "Bundle.signature.type");
        }

        var authors = type.EnumerateArray().Any(coding => coding.ValueKind == JsonValueKind.Object
            && coding.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String && system.GetString() == TypeSystem
            && coding.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString() == AuthorsSignature);
        if (!authors)
        {
            throw FhirException.Unprocessable($"Bundle.signature.type must be the author's signature ({TypeSystem}|{AuthorsSignature}).", "Bundle.signature.type");
        }
    }

    private static DateTimeOffset ReadWhen(JsonElement signature)
    {
        if (signature.TryGetProperty("when", out var when) && when.ValueKind == JsonValueKind.String
            && Instant().IsMatch(when.GetString()!)
            && DateTimeOffset.TryParse(when.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        throw FhirException.BadRequest("Bundle.signature.when must be an instant with seconds and a time zone (e.g. 2024-04-01T10:15:00+09:00).", "Bundle.signature.when");
    }

    private static string ReadData(JsonElement signature)
    {
        if (!signature.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String || data.GetString()!.Length == 0)
        {
            throw FhirException.BadRequest("Bundle.signature.data is missing: it must hold the JWS, base64-encoded.", "Bundle.signature.data");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data.GetString()!);
        }
        catch (FormatException)
        {
            throw FhirException.BadRequest("Bundle.signature.data is not valid base64.", "Bundle.signature.data");
        }

        // The JWS compact form is ASCII text; anything else is not one.
        if (!Ascii.IsValid(bytes))
        {
            throw FhirException.BadRequest("Bundle.signature.data does not hold a JWS in compact serialization.", "Bundle.signature.data");
        }

        return Encoding.ASCII.GetString(bytes);
    }

    // FHIR's instant: seconds required, a zone required.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Instant();
}
