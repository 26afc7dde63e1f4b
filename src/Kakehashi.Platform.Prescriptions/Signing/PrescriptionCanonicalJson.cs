using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>
/// The bytes a prescription's signature covers: the Bundle as received, without its root
/// <c>signature</c>, in canonical JSON. Object properties are sorted by UTF-16 code units
/// (ordinal), there is no whitespace outside strings and strings are escaped as RFC 8785 (JCS)
/// does, so that re-indenting or re-ordering a Bundle keeps its signature valid.
/// </summary>
/// <remarks>
/// One deviation from JCS, on purpose: a number is written as its literal text, not re-formatted
/// as an IEEE double. FHIR decimals carry their precision in their text ("1.50" is not "1.5"),
/// and a double would round a 17-digit value; the signer's text is what was signed.
/// The input is read as JSON text, never through a FHIR model re-serialization, which could
/// drop or reorder what the prescriber's system sent.
/// </remarks>
public static class PrescriptionCanonicalJson
{
    private static readonly JsonDocumentOptions Strict = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 128 };

    // Throws on a lone surrogate (an escaped "\ud800"), which has no UTF-8 form to sign.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The canonical form of a Bundle's JSON with its root <c>signature</c> removed.</summary>
    /// <exception cref="FhirException">400: not JSON, not an object, or a property given twice.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> bundleJson)
    {
        using var document = Parse(bundleJson);
        return Canonicalize(document.RootElement);
    }

    /// <summary>Parses a Bundle strictly (the signature's reader and the canonicalizer read the same document).</summary>
    internal static JsonDocument Parse(ReadOnlySpan<byte> bundleJson)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bundleJson.ToArray(), Strict);
        }
        catch (JsonException error)
        {
            throw FhirException.BadRequest($"The prescription is not valid JSON: {error.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw FhirException.BadRequest("The prescription must be a JSON object (a FHIR Bundle).");
        }

        return document;
    }

    internal static byte[] Canonicalize(JsonElement root)
    {
        var output = new ArrayBufferWriter<byte>();
        try
        {
            WriteObject(root, output, "", dropSignature: true);
        }
        catch (Exception error) when (error is EncoderFallbackException or InvalidOperationException)
        {
            throw FhirException.BadRequest("The prescription contains a string with an unpaired surrogate (\\ud800-\\udfff), which cannot be signed.");
        }

        return output.WrittenSpan.ToArray();
    }

    // Written by hand rather than with Utf8JsonWriter: its encoders escape more than JCS allows
    // (non-ASCII and HTML-sensitive characters), and the canonical bytes must be exactly JCS's.
    private static void Write(JsonElement element, ArrayBufferWriter<byte> output, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(element, output, path, dropSignature: false);
                break;
            case JsonValueKind.Array:
                output.Write("["u8);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index > 0)
                    {
                        output.Write(","u8);
                    }

                    Write(item, output, path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]");
                    index++;
                }

                output.Write("]"u8);
                break;
            case JsonValueKind.String:
                WriteString(element.GetString()!, output);
                break;
            case JsonValueKind.Number:
                output.Write(Encoding.ASCII.GetBytes(element.GetRawText()));
                break;
            case JsonValueKind.True:
                output.Write("true"u8);
                break;
            case JsonValueKind.False:
                output.Write("false"u8);
                break;
            default:
                output.Write("null"u8);
                break;
        }
    }

    private static void WriteObject(JsonElement element, ArrayBufferWriter<byte> output, string path, bool dropSignature)
    {
        var properties = new List<JsonProperty>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            // A name given twice could be read one way by the signer and another by the reader.
            if (!names.Add(property.Name))
            {
                throw FhirException.BadRequest($"The property '{property.Name}' is given twice in one object; a signed prescription must be unambiguous.", Join(path, property.Name));
            }

            if (!(dropSignature && property.NameEquals("signature")))
            {
                properties.Add(property);
            }
        }

        // Ordinal comparison of .NET strings is comparison by UTF-16 code units, as JCS sorts.
        properties.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        output.Write("{"u8);
        for (var i = 0; i < properties.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            WriteString(properties[i].Name, output);
            output.Write(":"u8);
            Write(properties[i].Value, output, Join(path, properties[i].Name));
        }

        output.Write("}"u8);
    }

    /// <summary>A string as JCS writes it: only '"', '\' and control characters are escaped, everything else is UTF-8.</summary>
    private static void WriteString(string value, ArrayBufferWriter<byte> output)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }

        output.Write(Utf8.GetBytes(text.Append('"').ToString()));
    }

    private static string Join(string path, string name) => path.Length == 0 ? "Bundle." + name : path + "." + name;
}
