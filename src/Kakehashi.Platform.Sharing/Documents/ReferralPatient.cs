using System.Text.Json.Nodes;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>
/// The patient of a composed referral in the form JP_Patient_eCS asks for: named by the insured
/// number (its one required identifier; the platform's own ids mean nothing to the recipient),
/// each name in family and given parts with its text, sex, birth date and an address. The
/// platform's Patient gives what it holds; the form gives the address when the platform has none.
/// </summary>
public static class ReferralPatient
{
    /// <summary>
    /// The insured number as JP-CLINS writes it: 保険者番号 in 8 digits (a 6-digit 国保 number
    /// with 00 in front), then 記号, 番号 and 枝番 as the qualification holds them.
    /// </summary>
    public static string MemberId(InsuredNumber number) => number.Insurer.PadLeft(8, '0') + ":" + number.Symbol + ":" + number.Number + ":" + number.Branch;

    /// <summary>The insured number the stored Patient carries itself, if any.</summary>
    public static string? StoredMemberId(JsonObject stored) =>
        (stored["identifier"] as JsonArray)?.OfType<JsonObject>()
            .Where(i => (string?)i["system"] == KnownJapanSystems.InsuredMemberId)
            .Select(i => (string?)i["value"])
            .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    public static JsonObject Compose(JsonObject stored, string patientId, string memberId, string? formAddress, JsonObject meta)
    {
        var names = new JsonArray([.. ((stored["name"] as JsonArray)?.OfType<JsonObject>() ?? []).Select(Name).OfType<JsonObject>()]);
        if (names.Count == 0)
        {
            throw FhirException.Unprocessable($"Patient/{patientId} has no name in family and given parts, which the referral document needs.", "patient");
        }

        var address = formAddress ?? StoredAddress(stored)
            ?? throw FhirException.BadRequest(
                "patientAddress (患者住所) is required: the platform has no address for this patient, and a referral document carries one.", "patientAddress");
        var patient = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["meta"] = meta,
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = KnownJapanSystems.InsuredMemberId, ["value"] = memberId }),
            ["name"] = names,
        };
        foreach (var field in new[] { "gender", "birthDate" })
        {
            if (stored[field] is { } value)
            {
                patient[field] = value.DeepClone();
            }
        }

        patient["address"] = new JsonArray(new JsonObject { ["text"] = address });
        return patient;
    }

    /// <summary>
    /// A stored name with family and given parts (split from its text when only the text is
    /// stored), its text rebuilt from the parts with a half-width space (the profile refuses a
    /// full-width one), or null when it cannot be split.
    /// </summary>
    private static JsonObject? Name(JsonObject stored)
    {
        var family = Part((string?)stored["family"]);
        var given = ((stored["given"] as JsonArray)?.Select(g => Part((string?)g)).OfType<string>() ?? []).ToList();
        if (family is null && given.Count == 0 && (string?)stored["text"] is { } text)
        {
            var parts = text.Split([' ', '\u3000'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            family = parts.FirstOrDefault();
            given = [.. parts.Skip(1)];
        }

        if (family is null || given.Count == 0)
        {
            return null;
        }

        var name = new JsonObject();
        foreach (var field in new[] { "extension", "use" })
        {
            if (stored[field] is { } value)
            {
                name[field] = value.DeepClone();
            }
        }

        name["text"] = family + " " + string.Join(" ", given);
        name["family"] = family;
        name["given"] = new JsonArray([.. given.Select(g => (JsonNode)g)]);
        return name;
    }

    private static string? Part(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Replace('\u3000', ' ').Trim();

    /// <summary>The first stored address as one line of text: its text, or its parts joined (JP Core: all of it in text, no postal code).</summary>
    private static string? StoredAddress(JsonObject stored)
    {
        foreach (var address in (stored["address"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if ((string?)address["text"] is { } text && !string.IsNullOrWhiteSpace(text))
            {
                return text.Trim();
            }

            var parts = new[] { (string?)address["state"], (string?)address["city"], (string?)address["district"] }
                .Concat((address["line"] as JsonArray)?.Select(l => (string?)l) ?? [])
                .Where(p => !string.IsNullOrWhiteSpace(p));
            if (string.Concat(parts) is { Length: > 0 } joined)
            {
                return joined;
            }
        }

        return null;
    }
}
