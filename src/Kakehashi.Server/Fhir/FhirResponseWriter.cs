using System.Globalization;
using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Kakehashi.Fhir.Bundles;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Task = System.Threading.Tasks.Task;

namespace Kakehashi.Server.Fhir;

/// <summary>
/// Writes a <see cref="FhirResponse"/> to HTTP: status, ETag, Last-Modified, Location, and the
/// body in the negotiated format. Stored JSON is copied to the wire as-is whenever nothing
/// (pretty-printing, _summary, _elements, XML) requires re-serialization.
/// </summary>
public sealed class FhirResponseWriter(FhirSerializer serializer, BundleRenderer bundles)
{
    public async Task WriteAsync(HttpContext context, FhirRequest request, FhirResponse response, FhirFormat format)
    {
        var http = context.Response;
        http.StatusCode = (int)response.Status;
        var stored = response.Stored;
        if (stored is not null)
        {
            http.Headers.ETag = stored.ETag;
            http.Headers.LastModified = stored.LastUpdated.ToString("R", CultureInfo.InvariantCulture);
            if (response.IsWrite && !stored.IsDeleted)
            {
                http.Headers.Location = request.BaseUrl + "/" + stored.Key + "/_history/" + stored.VersionId.ToString(CultureInfo.InvariantCulture);
            }
        }

        if (response.Status is HttpStatusCode.NotModified or HttpStatusCode.NoContent || context.Request.Method == "HEAD")
        {
            return;
        }

        if (response.IsWrite && request.Return != ReturnPreference.Representation)
        {
            if (request.Return == ReturnPreference.OperationOutcome)
            {
                await WriteResourceAsync(context, Informational(response), format);
            }

            return;
        }

        var pretty = IsPretty(context.Request);
        var filter = Filter(context.Request);
        if (stored is not null && !stored.IsDeleted)
        {
            if (format == FhirFormat.Json && !pretty && filter is null)
            {
                http.ContentType = FhirMediaTypes.ContentType(format);
                http.ContentLength = stored.Json.Length;
                await http.Body.WriteAsync(stored.Json);
                return;
            }

            await WriteResourceAsync(context, serializer.ParseJson(stored.Json), format, pretty, filter);
            return;
        }

        if (response.Bundle is { } bundle)
        {
            if (format == FhirFormat.Json && !pretty && filter is null)
            {
                http.ContentType = FhirMediaTypes.ContentType(format);
                using var buffer = new MemoryStream();
                bundles.WriteJson(bundle, buffer);
                http.ContentLength = buffer.Length;
                await http.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
                return;
            }

            await WriteResourceAsync(context, bundles.ToPoco(bundle), format, pretty, filter);
            return;
        }

        if (response.Resource is { } resource)
        {
            await WriteResourceAsync(context, resource, format, pretty, filter);
        }
    }

    public async Task WriteResourceAsync(HttpContext context, Resource resource, FhirFormat format, bool pretty = false, Func<SerializationFilter?>? filter = null)
    {
        var bytes = serializer.SerializeToBytes(resource, format, pretty, filter);
        context.Response.ContentType = FhirMediaTypes.ContentType(format);
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }

    public static bool IsPretty(HttpRequest request) =>
        request.Query.TryGetValue("_pretty", out var pretty) && pretty.ToString() == "true";

    private static Func<SerializationFilter?>? Filter(HttpRequest request)
    {
        if (request.Query.TryGetValue("_elements", out var elements) && elements.ToString().Length > 0)
        {
            var names = elements.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return SerializationFilter.ForElementsFactory(names);
        }

        if (request.Query.TryGetValue("_summary", out var summary))
        {
            return summary.ToString() switch
            {
                "true" => () => SerializationFilter.ForSummary(),
                "text" => () => SerializationFilter.ForText(),
                "data" => () => SerializationFilter.ForData(),
                "count" => () => SerializationFilter.ForCount(),
                _ => null,
            };
        }

        return null;
    }

    private static OperationOutcome Informational(FhirResponse response)
    {
        var stored = response.Stored;
        return new OperationOutcome
        {
            Issue =
            [
                new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Information,
                    Code = OperationOutcome.IssueType.Informational,
                    Diagnostics = stored is null
                        ? "The interaction succeeded."
                        : $"{stored.Key} version {stored.VersionId} {(response.Status == HttpStatusCode.Created ? "created" : "stored")}.",
                },
            ],
        };
    }
}
