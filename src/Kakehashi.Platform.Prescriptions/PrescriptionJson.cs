using System.Globalization;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Formats;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// The compact JSON answers of the prescription endpoints: where the prescription stands, in
/// plain fields, with the FHIR it carries (the document, the check's DetectedIssues, the
/// dispensed MedicationDispenses) embedded as FHIR JSON.
/// </summary>
public sealed class PrescriptionJson(FhirSerializer serializer)
{
    public static JsonObject Summary(PrescriptionRow row, DateOnly today) => new()
    {
        ["id"] = row.Id,
        ["patient"] = row.PatientKey,
        ["status"] = row.StatusOn(today),
        ["statusText"] = PrescriptionStatus.Japanese(row.StatusOn(today)),
        ["exchangeNumber"] = row.ExchangeNumber,
        ["prescriber"] = row.PrescriberCode,
        ["pharmacy"] = row.PharmacyCode,
        ["issued"] = Day(row.IssueDay),
        ["dispensableFrom"] = Day(row.WindowStart),
        ["dispensableUntil"] = Day(row.WindowEnd),
        ["usesAllowed"] = row.UsesAllowed,
        ["usesDone"] = row.UsesDone,
        ["electronic"] = row.Electronic,
        ["signer"] = row.SignerName,
        ["timeStamp"] = row.TimeStamp,
        ["masterVersion"] = row.MasterVersion,
        ["registeredAt"] = row.RegisteredAt.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
    };

    public static JsonObject WithDocument(PrescriptionRow row, DateOnly today)
    {
        var json = Summary(row, today);
        json["prescription"] = JsonNode.Parse(row.Document);
        return json;
    }

    public JsonNode Fhir(Resource resource) => JsonNode.Parse(serializer.SerializeToBytes(resource, FhirFormat.Json))!;

    public JsonObject Check(CheckResult result, bool final) => new()
    {
        ["masterVersion"] = result.MasterVersion,
        ["disclosed"] = result.Disclosed,
        ["duplicates"] = result.Findings.Count(f => f.Kind == CheckFinding.Duplicate),
        ["contraindications"] = result.Findings.Count(f => f.Kind == CheckFinding.Contraindication),
        ["unchecked"] = result.Unchecked.Count,
        ["issues"] = Fhir(CheckAnswer.ToBundle(result, final)),
    };

    private static string Day(DateOnly day) => PrescriptionStore.Day(day);
}
