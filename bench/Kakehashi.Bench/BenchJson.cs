using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kakehashi.Bench;

/// <summary>Shared serializer options (Japanese unescaped, indented for files people read).</summary>
public static class BenchJson
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };
}
