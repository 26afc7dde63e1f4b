using System.Text.Json;

namespace Kakehashi.Bench.Runner;

/// <summary>
/// Search values and read targets taken from the server's own data, so the same scenarios run on
/// any dataset (synthetic, Synthea, another server's).
/// </summary>
public sealed class DataSample
{
    public List<string> PatientIds { get; } = [];

    public List<string> Families { get; } = [];

    public List<string> Givens { get; } = [];

    /// <summary>Patient identifiers as system|value.</summary>
    public List<string> PatientIdentifiers { get; } = [];

    public List<string> BirthDates { get; } = [];

    /// <summary>Observation codes as system|code.</summary>
    public List<string> ObservationCodes { get; } = [];

    /// <summary>Condition codes as system|code.</summary>
    public List<string> ConditionCodes { get; } = [];

    /// <summary>Type/id of resources of several types, for single reads.</summary>
    public List<string> ReadTargets { get; } = [];

    public bool IsEmpty => PatientIds.Count == 0;

    public static async Task<DataSample> LoadAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var sample = new DataSample();
        var count = context.Options.IntSetting("sample-size", 200);
        foreach (var resource in await SearchAsync(context, $"Patient?_count={count}", cancellationToken))
        {
            var id = resource.GetProperty("id").GetString()!;
            sample.PatientIds.Add(id);
            sample.ReadTargets.Add("Patient/" + id);
            if (resource.TryGetProperty("name", out var names) && names.GetArrayLength() > 0)
            {
                var name = names[0];
                if (name.TryGetProperty("family", out var family))
                {
                    sample.Families.Add(family.GetString()!);
                }

                if (name.TryGetProperty("given", out var given) && given.GetArrayLength() > 0)
                {
                    sample.Givens.Add(given[0].GetString()!);
                }
            }

            if (resource.TryGetProperty("identifier", out var identifiers))
            {
                foreach (var identifier in identifiers.EnumerateArray())
                {
                    if (identifier.TryGetProperty("system", out var system) && identifier.TryGetProperty("value", out var value))
                    {
                        sample.PatientIdentifiers.Add(system.GetString() + "|" + value.GetString());
                    }
                }
            }

            if (resource.TryGetProperty("birthDate", out var birthDate))
            {
                sample.BirthDates.Add(birthDate.GetString()!);
            }
        }

        foreach (var resource in await SearchAsync(context, $"Observation?_count={count}", cancellationToken))
        {
            sample.ReadTargets.Add("Observation/" + resource.GetProperty("id").GetString());
            AddFirstCoding(resource, sample.ObservationCodes);
        }

        foreach (var resource in await SearchAsync(context, $"Condition?_count={count}", cancellationToken))
        {
            sample.ReadTargets.Add("Condition/" + resource.GetProperty("id").GetString());
            AddFirstCoding(resource, sample.ConditionCodes);
        }

        foreach (var resource in await SearchAsync(context, $"Encounter?_count={count}", cancellationToken))
        {
            sample.ReadTargets.Add("Encounter/" + resource.GetProperty("id").GetString());
        }

        return sample;
    }

    private static void AddFirstCoding(JsonElement resource, List<string> codes)
    {
        if (resource.TryGetProperty("code", out var code) && code.TryGetProperty("coding", out var codings) && codings.GetArrayLength() > 0)
        {
            var coding = codings[0];
            if (coding.TryGetProperty("system", out var system) && coding.TryGetProperty("code", out var value))
            {
                var token = system.GetString() + "|" + value.GetString();
                if (!codes.Contains(token))
                {
                    codes.Add(token);
                }
            }
        }
    }

    private static async Task<List<JsonElement>> SearchAsync(ScenarioContext context, string url, CancellationToken cancellationToken)
    {
        var response = await context.SendAsync(null, HttpMethod.Get, url, null, cancellationToken);
        var resources = new List<JsonElement>();
        if (!response.IsSuccess)
        {
            return resources;
        }

        using var document = JsonDocument.Parse(response.Body);
        if (document.RootElement.TryGetProperty("entry", out var entries))
        {
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.TryGetProperty("resource", out var resource))
                {
                    resources.Add(resource.Clone());
                }
            }
        }

        return resources;
    }
}
