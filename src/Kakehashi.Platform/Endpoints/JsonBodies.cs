using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Endpoints;

/// <summary>Reading and writing the compact JSON of the JSON endpoints, with a size limit and clear errors.</summary>
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

        if (http.Request.ContentLength is { } length)
        {
            // The usual case (a check): one buffer of the announced size, read to its end.
            var body = new byte[length];
            var filled = 0;
            while (filled < body.Length)
            {
                var read = await http.Request.Body.ReadAsync(body.AsMemory(filled), http.RequestAborted);
                if (read == 0)
                {
                    throw FhirException.BadRequest("The body ended before its Content-Length.");
                }

                filled += read;
            }

            return body;
        }

        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int count;
            while ((count = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + count > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                buffer.Write(chunk, 0, count);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
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
