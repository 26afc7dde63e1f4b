using System.Text.Json.Nodes;
using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Interactions;

/// <summary>A PATCH body: either a JSON Patch document or a FHIRPath Patch Parameters resource.</summary>
public sealed record PatchDocument(JsonNode? JsonPatch, Parameters? FhirPathPatch);
