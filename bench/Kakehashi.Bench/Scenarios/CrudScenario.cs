using System.Globalization;
using System.Text;
using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Scenarios;

/// <summary>
/// Modelled on the public HealthSamurai FHIR server benchmark: each iteration creates nine linked
/// resources (Patient, Location, Organization, Practitioner, Encounter, Observation,
/// MedicationRequest, Claim, ExplanationOfBenefit), then reads, updates and deletes each of them.
/// </summary>
public sealed class CrudScenario : IScenario
{
    public string Name => "crud";

    public string Description => "create 9 linked resources, then read, update and delete each (HealthSamurai-style CRUD mix)";

    public Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public async Task<bool> RunOnceAsync(ScenarioContext context, WorkerState worker, CancellationToken cancellationToken)
    {
        var tag = $"w{worker.Index}i{worker.Iterations}r{worker.Random.NextUInt64() % 1_000_000}";
        var created = new List<(string Type, string Id, Func<string, string> Json)>(9);

        async Task<string?> CreateAsync(string type, Func<string, string> json)
        {
            var response = await context.SendAsync("create", HttpMethod.Post, type, Encoding.UTF8.GetBytes(json("")), cancellationToken);
            var id = response.IsSuccess ? response.LocationId : null;
            if (id is not null)
            {
                created.Add((type, id, json));
            }

            return id;
        }

        var patient = await CreateAsync("Patient", id => Patient(id, tag));
        var location = await CreateAsync("Location", id => Location(id, tag));
        var organization = await CreateAsync("Organization", id => Organization(id, tag));
        var practitioner = await CreateAsync("Practitioner", id => Practitioner(id, tag));
        if (patient is not null && location is not null && organization is not null && practitioner is not null)
        {
            var encounter = await CreateAsync("Encounter", id => Encounter(id, patient, location, organization, practitioner));
            if (encounter is not null)
            {
                await CreateAsync("Observation", id => Observation(id, patient, encounter));
                await CreateAsync("MedicationRequest", id => MedicationRequest(id, patient, encounter, practitioner));
                var claim = await CreateAsync("Claim", id => Claim(id, patient, organization));
                if (claim is not null)
                {
                    await CreateAsync("ExplanationOfBenefit", id => ExplanationOfBenefit(id, patient, organization, claim));
                }
            }
        }

        foreach (var (type, id, _) in created)
        {
            await context.SendAsync("read", HttpMethod.Get, $"{type}/{id}", null, cancellationToken);
        }

        foreach (var (type, id, json) in created)
        {
            await context.SendAsync("update", HttpMethod.Put, $"{type}/{id}", Encoding.UTF8.GetBytes(json(id)), cancellationToken);
        }

        // Dependants first, as a client cleaning up would.
        for (var i = created.Count - 1; i >= 0; i--)
        {
            await context.SendAsync("delete", HttpMethod.Delete, $"{created[i].Type}/{created[i].Id}", null, cancellationToken);
        }

        return true;
    }

    // An empty id gives the body for create; a real id gives the body for update (with a change).
    private static string Id(string id) => id.Length == 0 ? "" : $"\"id\":\"{id}\",";

    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Patient(string id, string tag) =>
        $$$"""{"resourceType":"Patient",{{{Id(id)}}}"identifier":[{"system":"urn:kakehashi:bench","value":"{{{tag}}}"}],"active":true,"name":[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"IDE"}],"family":"試験","given":["{{{(id.Length == 0 ? "太郎" : "次郎")}}}"]},{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"SYL"}],"family":"シケン","given":["{{{(id.Length == 0 ? "タロウ" : "ジロウ")}}}"]}],"gender":"male","birthDate":"1970-01-01","address":[{"text":"東京都千代田区","state":"東京都","country":"JP"}]}""";

    private static string Location(string id, string tag) =>
        $$$"""{"resourceType":"Location",{{{Id(id)}}}"identifier":[{"system":"urn:kakehashi:bench","value":"{{{tag}}}"}],"status":"{{{(id.Length == 0 ? "active" : "suspended")}}}","name":"第1診察室 {{{tag}}}","mode":"instance"}""";

    private static string Organization(string id, string tag) =>
        $$$"""{"resourceType":"Organization",{{{Id(id)}}}"identifier":[{"system":"urn:kakehashi:bench","value":"{{{tag}}}"}],"active":{{{(id.Length == 0 ? "true" : "false")}}},"name":"ベンチ病院 {{{tag}}}"}""";

    private static string Practitioner(string id, string tag) =>
        $$$"""{"resourceType":"Practitioner",{{{Id(id)}}}"identifier":[{"system":"urn:kakehashi:bench","value":"{{{tag}}}"}],"active":true,"name":[{"family":"医師","given":["{{{(id.Length == 0 ? "一郎" : "二郎")}}}"]}]}""";

    private static string Encounter(string id, string patient, string location, string organization, string practitioner) =>
        $$$"""{"resourceType":"Encounter",{{{Id(id)}}}"status":"{{{(id.Length == 0 ? "in-progress" : "finished")}}}","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/{{{patient}}}"},"participant":[{"individual":{"reference":"Practitioner/{{{practitioner}}}"}}],"period":{"start":"{{{Today}}}T09:00:00+09:00"},"location":[{"location":{"reference":"Location/{{{location}}}"}}],"serviceProvider":{"reference":"Organization/{{{organization}}}"}}""";

    private static string Observation(string id, string patient, string encounter) =>
        $$$"""{"resourceType":"Observation",{{{Id(id)}}}"status":"{{{(id.Length == 0 ? "preliminary" : "final")}}}","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],"code":{"coding":[{"system":"urn:oid:1.2.392.200119.4.504","code":"3D046000001906202","display":"HbA1c(NGSP)"}]},"subject":{"reference":"Patient/{{{patient}}}"},"encounter":{"reference":"Encounter/{{{encounter}}}"},"effectiveDateTime":"{{{Today}}}T09:30:00+09:00","valueQuantity":{"value":6.1,"unit":"%","system":"http://unitsofmeasure.org","code":"%"}}""";

    private static string MedicationRequest(string id, string patient, string encounter, string practitioner) =>
        $$$"""{"resourceType":"MedicationRequest",{{{Id(id)}}}"status":"{{{(id.Length == 0 ? "active" : "completed")}}}","intent":"order","medicationCodeableConcept":{"coding":[{"system":"urn:oid:1.2.392.100495.20.2.74","code":"2171022F6276","display":"アムロジピンOD錠10mg"}]},"subject":{"reference":"Patient/{{{patient}}}"},"encounter":{"reference":"Encounter/{{{encounter}}}"},"authoredOn":"{{{Today}}}","requester":{"reference":"Practitioner/{{{practitioner}}}"},"dosageInstruction":[{"text":"1回1錠 1日1回朝食後 28日分"}]}""";

    private static string Claim(string id, string patient, string organization) =>
        $$$"""{"resourceType":"Claim",{{{Id(id)}}}"status":"{{{(id.Length == 0 ? "draft" : "active")}}}","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},"use":"claim","patient":{"reference":"Patient/{{{patient}}}"},"created":"{{{Today}}}","provider":{"reference":"Organization/{{{organization}}}"},"priority":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/processpriority","code":"normal"}]},"insurance":[{"sequence":1,"focal":true,"coverage":{"display":"協会けんぽ"}}],"total":{"value":3200,"currency":"JPY"}}""";

    private static string ExplanationOfBenefit(string id, string patient, string organization, string claim) =>
        $$$"""{"resourceType":"ExplanationOfBenefit",{{{Id(id)}}}"status":"{{{(id.Length == 0 ? "draft" : "active")}}}","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},"use":"claim","patient":{"reference":"Patient/{{{patient}}}"},"created":"{{{Today}}}","insurer":{"reference":"Organization/{{{organization}}}"},"provider":{"reference":"Organization/{{{organization}}}"},"claim":{"reference":"Claim/{{{claim}}}"},"outcome":"complete","insurance":[{"focal":true,"coverage":{"display":"協会けんぽ"}}]}""";
}
