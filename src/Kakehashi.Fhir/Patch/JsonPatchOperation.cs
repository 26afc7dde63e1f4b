using System.Text.Json.Nodes;

namespace Kakehashi.Fhir.Patch;

/// <summary>One validated RFC 6902 operation. <see cref="Value"/> may be null for a JSON null.</summary>
internal sealed record JsonPatchOperation(int Number, string Op, JsonPointer Path, JsonPointer? From, JsonNode? Value);
