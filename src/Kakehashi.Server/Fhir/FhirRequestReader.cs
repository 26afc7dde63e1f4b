using System.Globalization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Fhir;

/// <summary>Turns an HTTP request under <c>/fhir</c> into a <see cref="FhirRequest"/>, enforcing the size and media-type limits.</summary>
public sealed class FhirRequestReader(FhirSerializer serializer, IOptions<KakehashiOptions> options)
{
    private readonly KakehashiOptions options = options.Value;

    public async Task<FhirRequest> ReadAsync(HttpContext context, string path, CancellationToken cancellationToken)
    {
        var http = context.Request;
        var query = http.Query
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? "")))
            .Where(q => q.Key is not ("_format" or "_pretty"))
            .ToList();

        Resource? body = null;
        byte[]? raw = null;
        if (http.Method is "POST" or "PUT" or "PATCH")
        {
            raw = await ReadBodyAsync(http, cancellationToken);
            var format = FhirMediaTypes.BodyFormat(http.ContentType);
            if (format is { } bodyFormat)
            {
                if (bodyFormat == FhirFormat.Json)
                {
                    // Checked before Firely sees it: it would throw (500) on a lone surrogate escape. XML's reader refuses both itself.
                    StrictText.RequireUnicodeJson(raw, "The body");
                }

                body = serializer.Parse(raw, bodyFormat);
            }
            else if (http.ContentType?.StartsWith(FhirMediaTypes.Form, StringComparison.OrdinalIgnoreCase) == true)
            {
                // POST [type]/_search carries its parameters as a form.
                query.AddRange(QueryParameters.Parse("?" + StrictText.DecodeUtf8(raw, "The form body")));
            }
        }

        var headers = http.GetTypedHeaders();
        var prefer = http.Headers["Prefer"].ToString();
        return new FhirRequest
        {
            Method = http.Method,
            Path = path.Trim('/'),
            Query = query,
            Body = body,
            RawBody = raw,
            ContentType = http.ContentType,
            IfMatch = NullIfEmpty(http.Headers.IfMatch.ToString()),
            IfNoneMatch = NullIfEmpty(http.Headers.IfNoneMatch.ToString()),
            IfNoneExist = NullIfEmpty(http.Headers["If-None-Exist"].ToString()),
            IfModifiedSince = headers.IfModifiedSince,
            Return = prefer.Contains("return=minimal", StringComparison.OrdinalIgnoreCase) ? ReturnPreference.Minimal
                : prefer.Contains("return=OperationOutcome", StringComparison.OrdinalIgnoreCase) ? ReturnPreference.OperationOutcome
                : ReturnPreference.Representation,
            LenientSearch = prefer.Contains("handling=lenient", StringComparison.OrdinalIgnoreCase),
            BaseUrl = BaseUrl(http),
        };
    }

    public string BaseUrl(HttpRequest http) =>
        options.PublicBaseUrl?.TrimEnd('/') ?? $"{http.Scheme}://{http.Host}{http.PathBase}/fhir";

    private async Task<byte[]> ReadBodyAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var limit = options.Limits.MaxBodyBytes;
        if (http.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        using var buffer = new MemoryStream(http.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static FhirException TooLarge(long limit) =>
        FhirException.TooLarge($"The body exceeds the limit of {limit.ToString("N0", CultureInfo.InvariantCulture)} bytes.");

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
