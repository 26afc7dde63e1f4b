using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Formats;

/// <summary>
/// Request text is Unicode, or it is refused with 400. A lenient decoder replaces a bad byte
/// with U+FFFD, which silently changes what the client sent and stores the change; a strict one
/// deep inside a parser throws an exception nobody expects there, which becomes a 500. So a body
/// is checked once, where it enters, before anything parses it: invalid UTF-8, and JSON escapes
/// that name half of a surrogate pair (<c>"\ud800"</c>), which <see cref="Utf8JsonReader"/>
/// tokenizes without complaint but cannot turn into a string.
/// </summary>
public static class StrictText
{
    // Deeper than any configured MaxJsonDepth: nesting is the parser's to refuse, with its own message.
    private const int ValidationDepth = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes UTF-8 text, refusing invalid bytes instead of replacing them; <paramref name="what"/> names the text in the error ("The form body").</summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, string what)
    {
        RequireUtf8(bytes, what);
        return StrictUtf8.GetString(bytes);
    }

    /// <summary>Throws 400 unless <paramref name="bytes"/> are well-formed UTF-8.</summary>
    public static void RequireUtf8(ReadOnlySpan<byte> bytes, string what)
    {
        if (!Utf8.IsValid(bytes))
        {
            throw FhirException.BadRequest($"{what} is not valid UTF-8: the bytes at offset {FirstInvalidByte(bytes).ToString(CultureInfo.InvariantCulture)} do not encode a character. Send the text as UTF-8.");
        }
    }

    /// <summary>
    /// Throws 400 unless <paramref name="json"/> is UTF-8 whose strings and property names decode
    /// to Unicode text. Malformed JSON is left to the parser that follows, which names the error.
    /// </summary>
    public static void RequireUnicodeJson(ReadOnlySpan<byte> json, string what)
    {
        RequireUtf8(json, what);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = ValidationDepth, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                // Only an escape can name a surrogate: raw UTF-8 cannot encode one (RequireUtf8 refused it).
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && !DecodesToUnicode(ref reader))
                {
                    throw FhirException.BadRequest(
                        $"{what} contains a \\u escape naming half of a surrogate pair (a lone \\uD800–\\uDFFF) in the string at byte offset " +
                        $"{reader.TokenStartIndex.ToString(CultureInfo.InvariantCulture)}; such a string is not Unicode text.");
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: the parser reports it.
        }
    }

    private static bool DecodesToUnicode(ref Utf8JsonReader reader)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to unescape an unpaired surrogate.
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length && Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }
}
