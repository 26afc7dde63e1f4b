using System.Text.Json;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Platform.Security;

/// <summary>Which patient a stored resource is about, read from its JSON without a full FHIR parse (for the audit trail).</summary>
public static class PatientReferences
{
    private static readonly string[] Properties = ["subject", "patient", "beneficiary", "individual"];

    public static string? Of(StoredResource stored)
    {
        if (stored.ResourceType == "Patient")
        {
            return "Patient/" + stored.Id;
        }

        if (stored.Json.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(stored.Json);
            if (stored.ResourceType == "Bundle")
            {
                // A document is its Composition's subject's (an unlinked one names nobody here).
                var key = DocumentPatients.KeyOfJson(document.RootElement);
                return key == DocumentPatients.UnlinkedKey ? null : key;
            }

            foreach (var name in Properties)
            {
                if (document.RootElement.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Object &&
                    element.TryGetProperty("reference", out var reference) && reference.GetString() is { } value)
                {
                    var index = value.IndexOf("Patient/", StringComparison.Ordinal);
                    if (index >= 0)
                    {
                        var id = value[(index + "Patient/".Length)..];
                        var slash = id.IndexOf('/', StringComparison.Ordinal);
                        return "Patient/" + (slash < 0 ? id : id[..slash]);
                    }
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    /// <summary>The patient a request names in its path or query (for refusals, where nothing was read).</summary>
    public static string? FromRequest(string? type, string? id, IEnumerable<KeyValuePair<string, string>> query)
    {
        if (type == "Patient" && id is not null)
        {
            return "Patient/" + id;
        }

        foreach (var (key, value) in query)
        {
            if (key is "patient" or "subject" or "beneficiary" && value.Length > 0)
            {
                return value.Contains('/', StringComparison.Ordinal) ? value : "Patient/" + value;
            }
        }

        return null;
    }
}
