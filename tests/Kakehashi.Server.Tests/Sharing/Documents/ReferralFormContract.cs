using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>
/// The staff UI's referral form (<c>POST /sharing/referrals</c>): the server composes the JP-CLINS
/// referral from the form and the platform's patient, validates it like any submitted document,
/// and delivers it; the recipient reads back what the doctor wrote. A form that lacks what the
/// document needs is refused naming the field, and nothing is stored.
/// </summary>
public abstract class ReferralFormContract(ServerFixture server) : DocumentScenario(server)
{
    private const string Address = "東京都港区新橋1-2-3";

    [Fact]
    public async Task Form_FromAClinicDoctor_LandsInTheHospitalsInbox_AndReadsAsWritten()
    {
        using var world = await SetUpAsync();
        var insured = await InsuredPatientAsync();
        var form = FullForm(insured.PatientId, world.RecipientCode);

        var response = await PostFormAsync(world.Sender, form);
        var submitted = await response.ExpectAsync(HttpStatusCode.Created);
        var id = (string)submitted["id"]!;
        Assert.Equal("/sharing/documents/" + id, response.Headers.Location?.OriginalString);
        Assert.Equal("referral", (string?)submitted["kind"]);
        Assert.Equal(world.SenderCode, (string?)submitted["sender"]!["code"]);
        Assert.Equal(world.RecipientCode, (string?)submitted["recipient"]!["code"]);
        Assert.Equal("東京第一テスト病院", (string?)submitted["recipient"]!["name"]);
        Assert.Equal("Patient/" + insured.PatientId, (string?)submitted["patient"]);
        Assert.Equal([id], await InboxIdsAsync(world.Clerk, "new"));
        Assert.Empty(await InboxIdsAsync(world.Third));

        await TestConsents.GrantAsync(Operator, insured.PatientId, world.RecipientCode, "documents");
        var retrieved = await (await PostAsync(world.Recipient, $"/sharing/documents/{id}/retrieve")).ExpectAsync(HttpStatusCode.OK);
        var bundle = retrieved["document"]!.AsObject();
        Assert.Equal("document", (string?)bundle["type"]);
        var composition = DocumentData.Composition(bundle);
        Assert.Equal("診療情報提供書", (string?)composition["title"]);

        var purpose = Section(composition, "950");
        Assert.Contains("腹痛の精査をお願いします。", Narrative(purpose), StringComparison.Ordinal);
        Assert.Equal("腹痛の精査をお願いします。", (string?)Entries(bundle, purpose).Single()["reasonCode"]![0]!["text"]);

        var problems = Section(composition, "340");
        Assert.Equal(["上腹部痛", "腰痛"], Entries(bundle, problems).Select(c => (string?)c["code"]!["text"]));
        var course = Section(composition, "360");
        Assert.Equal("6月上旬から夜食後に上腹部痛。\n制酸剤で改善なし。", Narrative(course));
        var illness = Entries(bundle, course).Single();
        Assert.Equal("上腹部痛", (string?)illness["code"]!["text"]);
        Assert.Equal("6月上旬から夜食後に上腹部痛。\n制酸剤で改善なし。", (string?)illness["note"]![0]!["text"]);

        var medication = Narrative(Section(composition, "430"));
        Assert.Contains("タケキャブ錠10mg 1錠 1日2回", medication, StringComparison.Ordinal);
        Assert.Contains("レバミピド錠100mg 1錠 1日3回", medication, StringComparison.Ordinal);
        Assert.Equal("HBs抗原陰性、HCV抗体陰性", (string?)Entries(bundle, Section(composition, "520")).Single()["valueString"]);
        Assert.Contains("よろしくお願いいたします。", Narrative(Section(composition, "220")), StringComparison.Ordinal);

        var to = Entries(bundle, DocumentData.RecipientSection(composition));
        Assert.Equal("内科", (string?)to.Single(r => (string?)r["resourceType"] == "Organization")["alias"]![0]);
        Assert.Equal("野口 英世", (string?)to.Single(r => (string?)r["resourceType"] == "Practitioner")["name"]![0]!["text"]);
        var patient = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["resourceType"] == "Patient");
        Assert.Equal(insured.Insurer + ":" + insured.Symbol + ":" + insured.Number + ":" + insured.Branch, (string?)patient["identifier"]![0]!["value"]);
        Assert.Equal(Address, (string?)patient["address"]![0]!["text"]);

        var sent = await (await world.Sender.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("retrieved", (string?)sent["items"]!.AsArray().Single(i => (string?)i!["id"] == id)!["status"]);
    }

    [Fact]
    public async Task Form_WithOnlyWhatIsRequired_IsAccepted_AndSaysWhatItDoesNotState()
    {
        using var world = await SetUpAsync();
        var insured = await InsuredPatientAsync();
        var form = new JsonObject { ["patient"] = insured.PatientId, ["recipientInstitution"] = world.RecipientCode, ["purpose"] = "精査をお願いします。", ["patientAddress"] = Address };
        var id = (string)(await (await PostFormAsync(world.Sender, form)).ExpectAsync(HttpStatusCode.Created))["id"]!;

        await TestConsents.GrantAsync(Operator, insured.PatientId, world.RecipientCode, "documents");
        var bundle = (await (await PostAsync(world.Clerk, $"/sharing/documents/{id}/retrieve")).ExpectAsync(HttpStatusCode.OK))["document"]!.AsObject();
        var composition = DocumentData.Composition(bundle);
        Assert.Equal("記載なし", Narrative(Section(composition, "340")));
        Assert.Equal("記載なし", Narrative(Section(composition, "360")));
        var infections = Entries(bundle, Section(composition, "520")).Single();
        Assert.Equal("not-asked", (string?)infections["dataAbsentReason"]!["coding"]![0]!["code"]);
        Assert.Null(infections["valueString"]);
        Assert.DoesNotContain(Sections(composition), s => (string?)s["code"]!["coding"]![0]!["code"] is "430" or "220");
    }

    [Fact]
    public async Task Form_WithoutRecipientOrPurpose_IsRefusedNamingTheField_AndNothingIsStored()
    {
        using var world = await SetUpAsync();
        var insured = await InsuredPatientAsync();

        var noRecipient = FullForm(insured.PatientId, world.RecipientCode);
        noRecipient.Remove("recipientInstitution");
        var outcome = await (await PostFormAsync(world.Sender, noRecipient)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        Assert.Equal(["recipientInstitution"], Expressions(outcome));
        Assert.Contains("紹介先医療機関コード", Diagnostics(outcome), StringComparison.Ordinal);

        var shortCode = FullForm(insured.PatientId, world.RecipientCode[..9]);
        Assert.Equal(["recipientInstitution"], Expressions(await (await PostFormAsync(world.Sender, shortCode)).ExpectAsync(HttpStatusCode.BadRequest)));

        var noPurpose = FullForm(insured.PatientId, world.RecipientCode);
        noPurpose["purpose"] = "  ";
        outcome = await (await PostFormAsync(world.Sender, noPurpose)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["purpose"], Expressions(outcome));
        Assert.Contains("紹介目的", Diagnostics(outcome), StringComparison.Ordinal);

        Assert.Empty((await (await world.Sender.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray());
        Assert.Empty(await InboxIdsAsync(world.Clerk));
    }

    [Fact]
    public async Task Form_ForAPatientTheDocumentCannotName_IsRefused_AndNothingIsStored()
    {
        using var world = await SetUpAsync();

        // The platform has no address for the insured person: the form must give one.
        var insured = await InsuredPatientAsync();
        var noAddress = FullForm(insured.PatientId, world.RecipientCode);
        noAddress.Remove("patientAddress");
        var outcome = await (await PostFormAsync(world.Sender, noAddress)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["patientAddress"], Expressions(outcome));
        Assert.Contains("患者住所", Diagnostics(outcome), StringComparison.Ordinal);

        // A person without a qualification in force cannot be named by an insured number.
        outcome = await (await PostFormAsync(world.Sender, FullForm(world.Patient, world.RecipientCode))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["patient"], Expressions(outcome));
        Assert.Contains("資格確認", Diagnostics(outcome), StringComparison.Ordinal);

        Assert.Empty((await (await world.Sender.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray());
        Assert.Empty(await InboxIdsAsync(world.Clerk));
    }

    [Fact]
    public async Task OnlyDoctorsAndDentists_WriteReferralsWithTheForm()
    {
        using var world = await SetUpAsync();
        var insured = await InsuredPatientAsync();
        using var clerk = Server.CreateClient(await ClientOfAsync(world.SenderCode, "clerk"));
        Assert.Equal(HttpStatusCode.Forbidden, (await PostFormAsync(clerk, FullForm(insured.PatientId, world.RecipientCode))).StatusCode);
        Assert.Empty(await InboxIdsAsync(world.Clerk));
    }

    /// <summary>An insured person as the insurer registers them (a Patient and a Coverage in force), without an address.</summary>
    private async Task<Insured> InsuredPatientAsync()
    {
        var insurer = await EligibilityData.CreateInsurerAsync(Operator);
        return await EligibilityData.RegisterAsync(Operator, insurer, branch: "01");
    }

    private static JsonObject FullForm(string patient, string recipient) => new()
    {
        ["patient"] = patient,
        ["patientAddress"] = Address,
        ["recipientInstitution"] = recipient,
        ["recipientInstitutionName"] = "東京第一テスト病院",
        ["recipientDepartment"] = "内科",
        ["recipientDoctor"] = "野口 英世",
        ["purpose"] = "腹痛の精査をお願いします。",
        ["diagnoses"] = new JsonArray("上腹部痛", "腰痛"),
        ["clinicalCourse"] = "6月上旬から夜食後に上腹部痛。\n制酸剤で改善なし。",
        ["medications"] = "タケキャブ錠10mg 1錠 1日2回\nレバミピド錠100mg 1錠 1日3回",
        ["infections"] = "HBs抗原陰性、HCV抗体陰性",
        ["remarks"] = "よろしくお願いいたします。",
    };

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, JsonObject form) =>
        client.SendAsync(HttpMethod.Post, "/sharing/referrals", form.ToJsonString(), mediaType: "application/json");

    private static string Diagnostics(JsonNode outcome) => string.Join("\n", outcome["issue"]!.AsArray().Select(i => (string?)i!["diagnostics"]));

    private static IEnumerable<JsonObject> Sections(JsonObject composition)
    {
        foreach (var section in composition["section"]!.AsArray().Select(s => s!.AsObject()))
        {
            yield return section;
            foreach (var nested in section["section"]?.AsArray().Select(s => s!.AsObject()) ?? [])
            {
                yield return nested;
            }
        }
    }

    private static JsonObject Section(JsonObject composition, string code) =>
        Sections(composition).Single(s => (string?)s["code"]!["coding"]![0]!["code"] == code);

    /// <summary>The section's narrative as text, line breaks kept.</summary>
    private static string Narrative(JsonObject section) =>
        Regex.Replace(((string)section["text"]!["div"]!).Replace("<br/>", "\n", StringComparison.Ordinal), "<[^>]+>", "");

    private static List<JsonObject> Entries(JsonObject bundle, JsonObject section) =>
        [.. section["entry"]!.AsArray().Select(r => DocumentData.Resource(bundle, (string)r!["reference"]!)!)];
}

public sealed class SqliteReferralFormTests(SqliteServerFixture server) : ReferralFormContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresReferralFormTests(PostgresServerFixture server) : ReferralFormContract(server), IClassFixture<PostgresServerFixture>;
