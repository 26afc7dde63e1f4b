using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Formats;

namespace Kakehashi.Server.Fhir;

/// <summary>Content negotiation for FHIR: <c>_format</c> wins over <c>Accept</c>; JSON is the default.</summary>
public static class FhirMediaTypes
{
    public const string Json = "application/fhir+json";
    public const string Xml = "application/fhir+xml";
    public const string JsonPatch = "application/json-patch+json";
    public const string Form = "application/x-www-form-urlencoded";

    public static FhirFormat ResponseFormat(HttpRequest request)
    {
        if (request.Query.TryGetValue("_format", out var format) && format.ToString() is { Length: > 0 } value)
        {
            return value switch
            {
                "json" or "application/json" or Json or "application/fhir json" => FhirFormat.Json,
                "xml" or "text/xml" or "application/xml" or Xml or "application/fhir xml" => FhirFormat.Xml,
                _ => throw FhirException.NotAcceptable($"_format '{value}' is not supported; use json or xml."),
            };
        }

        var accept = request.Headers.Accept.ToString();
        if (string.IsNullOrWhiteSpace(accept))
        {
            return FhirFormat.Json;
        }

        foreach (var candidate in accept.Split(',').Select(a => a.Split(';')[0].Trim().ToLowerInvariant()))
        {
            switch (candidate)
            {
                case Json or "application/json" or "application/*" or "*/*" or "text/*" or "application/json+fhir":
                    return FhirFormat.Json;
                case Xml or "application/xml" or "text/xml" or "application/xml+fhir":
                    return FhirFormat.Xml;
            }
        }

        throw FhirException.NotAcceptable($"None of the accepted media types ({accept}) can be produced; use {Json} or {Xml}.");
    }

    /// <summary>The body format from Content-Type; null for non-FHIR bodies handled elsewhere (JSON Patch, forms).</summary>
    public static FhirFormat? BodyFormat(string? contentType)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            Json or "application/json" or "application/json+fhir" => FhirFormat.Json,
            Xml or "application/xml" or "text/xml" or "application/xml+fhir" => FhirFormat.Xml,
            JsonPatch or Form => null,
            "" => throw FhirException.UnsupportedMediaType($"A body needs a Content-Type: {Json} or {Xml}."),
            _ => throw FhirException.UnsupportedMediaType($"Content-Type '{mediaType}' is not supported; use {Json} or {Xml}."),
        };
    }

    public static string ContentType(FhirFormat format) => (format == FhirFormat.Json ? Json : Xml) + "; charset=utf-8";
}
