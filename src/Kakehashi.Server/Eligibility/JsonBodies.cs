using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Server.Eligibility;

/// <summary>Reading and writing the compact JSON of the eligibility endpoints, with a size limit and clear errors.</summary>
public static class JsonBodies
{
    public static async Task<T> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type, long maxBytes)
    {
        var body = await ReadBytesAsync(http, maxBytes, json: true);
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw FhirException.BadRequest("The body is empty: send a JSON object.");
        }
        catch (JsonException e)
        {
            // The message names the path and position, not the content.
            throw FhirException.BadRequest("The body is not the expected JSON: " + e.Message, e.Path);
        }
    }

    /// <summary>The raw body, refusing more than <paramref name="maxBytes"/> with 413.</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpContext http, long maxBytes, bool json)
    {
        var contentType = http.Request.ContentType ?? "";
        if (json && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw FhirException.UnsupportedMediaType("Send the body as application/json.");
        }

        if (http.Request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public static async System.Threading.Tasks.Task WriteAsync<T>(HttpContext http, T value, JsonTypeInfo<T> type, int status = 200)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    private static FhirException TooLarge(long maxBytes) =>
        new(HttpStatusCode.RequestEntityTooLarge, OperationOutcome.IssueType.TooLong, $"The body is larger than {maxBytes} bytes.");
}
