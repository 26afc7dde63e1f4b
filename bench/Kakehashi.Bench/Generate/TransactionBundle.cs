using System.Buffers;
using System.Text.Json;

namespace Kakehashi.Bench.Generate;

/// <summary>
/// A FHIR transaction Bundle of PUT entries (update-as-create with the generated ids): loading the
/// same dataset twice changes nothing but versions, and NDJSON and Bundles name resources alike.
/// </summary>
public static class TransactionBundle
{
    public static void Write(IBufferWriter<byte> destination, IReadOnlyList<GeneratedResource> resources)
    {
        using var w = new Utf8JsonWriter(destination);
        w.WriteStartObject();
        w.WriteString("resourceType", "Bundle");
        w.WriteString("type", "transaction");
        w.WriteStartArray("entry");
        foreach (var resource in resources)
        {
            w.WriteStartObject();
            w.WritePropertyName("resource");
            w.WriteRawValue(resource.Json, skipInputValidation: true);
            w.WriteStartObject("request");
            w.WriteString("method", "PUT");
            w.WriteString("url", resource.Reference);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static byte[] ToBytes(IReadOnlyList<GeneratedResource> resources)
    {
        var buffer = new ArrayBufferWriter<byte>(resources.Sum(r => r.Json.Length + 64) + 64);
        Write(buffer, resources);
        return buffer.WrittenSpan.ToArray();
    }
}
