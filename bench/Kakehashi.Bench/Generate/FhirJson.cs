using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kakehashi.Bench.Generate;

/// <summary>
/// Writes FHIR JSON with <see cref="Utf8JsonWriter"/>: no object model, so a million people cost
/// no more memory than one. Japanese text is written unescaped (smaller and readable).
/// </summary>
public sealed class FhirJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    private readonly ArrayBufferWriter<byte> buffer = new(4096);

    public FhirJson()
    {
        Writer = new Utf8JsonWriter(buffer, WriterOptions);
    }

    public Utf8JsonWriter Writer { get; }

    /// <summary>Writes one resource: resourceType and id, then what <paramref name="body"/> writes.</summary>
    public GeneratedResource Resource(string type, string id, Action<Utf8JsonWriter> body)
    {
        buffer.ResetWrittenCount();
        Writer.Reset(buffer);
        Writer.WriteStartObject();
        Writer.WriteString("resourceType", type);
        Writer.WriteString("id", id);
        body(Writer);
        Writer.WriteEndObject();
        Writer.Flush();
        return new GeneratedResource(type, id, buffer.WrittenSpan.ToArray());
    }

    public static void Coding(Utf8JsonWriter w, string system, string code, string? display = null)
    {
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("code", code);
        if (display is not null)
        {
            w.WriteString("display", display);
        }

        w.WriteEndObject();
    }

    /// <summary>"name": { "coding": [ { system, code, display } ], "text": text }</summary>
    public static void Concept(Utf8JsonWriter w, string name, string system, string code, string? display = null, string? text = null)
    {
        w.WriteStartObject(name);
        w.WriteStartArray("coding");
        Coding(w, system, code, display);
        w.WriteEndArray();
        if (text is not null)
        {
            w.WriteString("text", text);
        }

        w.WriteEndObject();
    }

    /// <summary>"name": [ { "coding": [ … ] } ]</summary>
    public static void ConceptArray(Utf8JsonWriter w, string name, string system, string code, string? display = null)
    {
        w.WriteStartArray(name);
        w.WriteStartObject();
        w.WriteStartArray("coding");
        Coding(w, system, code, display);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    public static void Reference(Utf8JsonWriter w, string name, string reference, string? display = null)
    {
        w.WriteStartObject(name);
        w.WriteString("reference", reference);
        if (display is not null)
        {
            w.WriteString("display", display);
        }

        w.WriteEndObject();
    }

    public static void Identifier(Utf8JsonWriter w, string system, string value)
    {
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    /// <summary>"identifier": [ { system, value } ]</summary>
    public static void Identifiers(Utf8JsonWriter w, string system, string value)
    {
        w.WriteStartArray("identifier");
        Identifier(w, system, value);
        w.WriteEndArray();
    }

    /// <summary>The JP Core pair of names: kanji (IDE) and katakana reading (SYL).</summary>
    public static void JapaneseName(Utf8JsonWriter w, NamePart family, NamePart given)
    {
        w.WriteStartArray("name");
        NameWithRepresentation(w, "IDE", family.Kanji, given.Kanji);
        NameWithRepresentation(w, "SYL", family.Kana, given.Kana);
        w.WriteEndArray();
    }

    public static void Quantity(Utf8JsonWriter w, string name, double value, string unit, string? system = KnownSystems.Ucum, string? code = null)
    {
        w.WriteStartObject(name);
        w.WriteNumber("value", value);
        w.WriteString("unit", unit);
        if (system is not null)
        {
            w.WriteString("system", system);
            w.WriteString("code", code ?? unit);
        }

        w.WriteEndObject();
    }

    public static void Period(Utf8JsonWriter w, string name, DateTime start, DateTime? end)
    {
        w.WriteStartObject(name);
        w.WriteString("start", Instant(start));
        if (end is { } e)
        {
            w.WriteString("end", Instant(e));
        }

        w.WriteEndObject();
    }

    /// <summary>A local Japanese time as an instant with the +09:00 offset.</summary>
    public static string Instant(DateTime local) => local.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "+09:00";

    public static string Date(DateTime local) => local.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static void NameWithRepresentation(Utf8JsonWriter w, string representation, string family, string given)
    {
        w.WriteStartObject();
        w.WriteStartArray("extension");
        w.WriteStartObject();
        w.WriteString("url", KnownSystems.NameRepresentation);
        w.WriteString("valueCode", representation);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("use", "official");
        w.WriteString("text", family + " " + given);
        w.WriteString("family", family);
        w.WriteStartArray("given");
        w.WriteStringValue(given);
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
