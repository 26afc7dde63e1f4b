using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;

namespace Kakehashi.Fhir.Bundles;

/// <summary>
/// Turns a <see cref="BundleResult"/> into a Bundle. Compact JSON is written directly, splicing
/// each entry's stored JSON into the output; every other shape goes through the Firely model.
/// </summary>
public sealed class BundleRenderer(FhirSerializer serializer, TimeProvider time)
{
    public Bundle ToPoco(BundleResult result)
    {
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString("D"),
            Meta = new Meta { LastUpdated = time.GetUtcNow() },
            Type = result.Type,
            Total = result.Total,
            Identifier = result.Identifier,
            Timestamp = result.Timestamp,
        };
        foreach (var (relation, url) in result.Links)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = relation, Url = url });
        }

        foreach (var entry in result.Entries)
        {
            var component = new Bundle.EntryComponent
            {
                FullUrl = entry.FullUrl,
                Resource = entry.Resource ?? (entry.Stored is { IsDeleted: false } stored ? serializer.ParseJson(stored.Json) : null),
                Search = entry.SearchMode is { } mode ? new Bundle.SearchComponent { Mode = mode } : null,
                Request = entry.Request is { } request
                    ? new Bundle.RequestComponent { Method = Enum.Parse<Bundle.HTTPVerb>(request.Method), Url = request.Url }
                    : null,
                Response = entry.Response,
            };
            bundle.Entry.Add(component);
        }

        if (result.Outcome is { } outcome)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                Resource = outcome,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome },
            });
        }

        return bundle;
    }

    /// <summary>Writes compact JSON without parsing the stored resources.</summary>
    public void WriteJson(BundleResult result, Stream output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true, Encoder = FhirSerializer.Encoder });
        writer.WriteStartObject();
        writer.WriteString("resourceType", "Bundle");
        writer.WriteString("id", Guid.NewGuid().ToString("D"));
        writer.WriteStartObject("meta");
        writer.WriteString("lastUpdated", FormatInstant(time.GetUtcNow()));
        writer.WriteEndObject();
        if (result.Identifier is { } identifier)
        {
            writer.WriteStartObject("identifier");
            writer.WriteString("system", identifier.System);
            writer.WriteString("value", identifier.Value);
            writer.WriteEndObject();
        }

        writer.WriteString("type", Hl7.Fhir.Utility.EnumUtility.GetLiteral(result.Type));
        if (result.Timestamp is { } timestamp)
        {
            writer.WriteString("timestamp", timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
        }

        if (result.Total is { } total)
        {
            writer.WriteNumber("total", total);
        }

        if (result.Links.Count > 0)
        {
            writer.WriteStartArray("link");
            foreach (var (relation, url) in result.Links)
            {
                writer.WriteStartObject();
                writer.WriteString("relation", relation);
                writer.WriteString("url", url);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (result.Entries.Count > 0 || result.Outcome is not null)
        {
            writer.WriteStartArray("entry");
            foreach (var entry in result.Entries)
            {
                WriteEntry(writer, entry);
            }

            if (result.Outcome is { } outcome)
            {
                WriteEntry(writer, new BundleResultEntry { Resource = outcome, SearchMode = Bundle.SearchEntryMode.Outcome });
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    private void WriteEntry(Utf8JsonWriter writer, BundleResultEntry entry)
    {
        writer.WriteStartObject();
        if (entry.FullUrl is not null)
        {
            writer.WriteString("fullUrl", entry.FullUrl);
        }

        if (entry.Stored is { IsDeleted: false } stored)
        {
            writer.WritePropertyName("resource");
            writer.WriteRawValue(stored.Json, skipInputValidation: true);
        }
        else if (entry.Resource is { } resource)
        {
            writer.WritePropertyName("resource");
            writer.WriteRawValue(serializer.SerializeToBytes(resource, FhirFormat.Json), skipInputValidation: true);
        }

        if (entry.SearchMode is { } mode)
        {
            writer.WriteStartObject("search");
            writer.WriteString("mode", Hl7.Fhir.Utility.EnumUtility.GetLiteral(mode));
            writer.WriteEndObject();
        }

        if (entry.Request is { } request)
        {
            writer.WriteStartObject("request");
            writer.WriteString("method", request.Method);
            writer.WriteString("url", request.Url);
            writer.WriteEndObject();
        }

        if (entry.Response is { } response)
        {
            writer.WritePropertyName("response");
            writer.WriteRawValue(serializer.SerializeToBytes(response, FhirFormat.Json), skipInputValidation: true);
        }

        writer.WriteEndObject();
    }

    private static string FormatInstant(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
