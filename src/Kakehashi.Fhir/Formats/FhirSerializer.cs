using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Formats;

/// <summary>
/// Parses and writes FHIR JSON and XML with the Firely SDK, with the defences a public
/// endpoint needs: bounded JSON nesting, and XML that never resolves DTDs or external entities.
/// Thread-safe; create once.
/// </summary>
public sealed class FhirSerializer(int maxJsonDepth = 64)
{
    // Japanese text and '+' in offsets stay readable: FHIR JSON is never embedded in HTML, so
    // the default encoder's HTML-safe escaping (\u5C71\u7530, \u002B) only costs bytes.
    internal static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    private static readonly JsonWriterOptions CompactJson = new() { Indented = false, SkipValidation = true, Encoder = Encoder };
    private static readonly JsonWriterOptions PrettyJson = new() { Indented = true, SkipValidation = true, Encoder = Encoder };

    private readonly FhirJsonDeserializer jsonDeserializer = new(new DeserializerSettings());
    private readonly FhirXmlDeserializer xmlDeserializer = new(new DeserializerSettings());
    private readonly FhirJsonSerializer jsonSerializer = new();
    private readonly FhirXmlSerializer xmlSerializer = new();

    public Resource Parse(ReadOnlySpan<byte> body, FhirFormat format) =>
        format == FhirFormat.Json ? ParseJson(body) : ParseXml(body);

    public Resource ParseJson(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw FhirException.BadRequest("The request body is empty; a FHIR resource was expected.");
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxJsonDepth, CommentHandling = JsonCommentHandling.Disallow });
        Resource? resource;
        IEnumerable<CodedException> issues;
        try
        {
            if (!jsonDeserializer.TryDeserializeResource(ref reader, out resource, out issues))
            {
                throw Invalid(issues);
            }
        }
        catch (JsonException e)
        {
            var tooDeep = e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase);
            throw FhirException.BadRequest(tooDeep
                ? $"The JSON is nested deeper than the allowed {maxJsonDepth} levels."
                : "The body is not valid JSON: " + e.Message);
        }
        catch (DeserializationFailedException e)
        {
            throw Invalid(e.Exceptions);
        }

        return resource ?? throw FhirException.BadRequest("The body does not contain a FHIR resource.");
    }

    public Resource ParseXml(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw FhirException.BadRequest("The request body is empty; a FHIR resource was expected.");
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, settings);
            if (!xmlDeserializer.TryDeserializeResource(reader, out var resource, out var issues))
            {
                throw Invalid(issues);
            }

            return resource ?? throw FhirException.BadRequest("The body does not contain a FHIR resource.");
        }
        catch (XmlException e)
        {
            throw FhirException.BadRequest("The body is not acceptable XML: " + e.Message);
        }
        catch (DeserializationFailedException e)
        {
            throw Invalid(e.Exceptions);
        }
    }

    public byte[] SerializeToBytes(Base instance, FhirFormat format, bool pretty = false, Func<SerializationFilter?>? filter = null)
    {
        using var buffer = new MemoryStream();
        Write(instance, buffer, format, pretty, filter);
        return buffer.ToArray();
    }

    public void Write(Base instance, Stream output, FhirFormat format, bool pretty = false, Func<SerializationFilter?>? filter = null)
    {
        filter ??= () => null;
        if (format == FhirFormat.Json)
        {
            using var writer = new Utf8JsonWriter(output, pretty ? PrettyJson : CompactJson);
            jsonSerializer.Serialize(instance, writer, filter);
            writer.Flush();
        }
        else
        {
            using var writer = XmlWriter.Create(output, new XmlWriterSettings { Indent = pretty, Encoding = new UTF8Encoding(false) });
            xmlSerializer.Serialize(instance, writer, filter, null!);
            writer.Flush();
        }
    }

    private static FhirException Invalid(IEnumerable<CodedException> issues)
    {
        var outcome = new OperationOutcome();
        foreach (var issue in issues.Take(50))
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = OperationOutcome.IssueType.Structure,
                Diagnostics = issue.Message,
            });
        }

        if (outcome.Issue.Count == 0)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = OperationOutcome.IssueType.Structure,
                Diagnostics = "The body is not a valid FHIR resource.",
            });
        }

        return new FhirException(System.Net.HttpStatusCode.BadRequest, outcome);
    }
}
