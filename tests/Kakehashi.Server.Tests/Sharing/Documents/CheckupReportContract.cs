using System.Net;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>
/// Checkup reports (健康診断結果報告書) are viewable by the patient, by institutions with the patient's
/// consent and by the patient's insurer (docs/sharing.md "Documents"): the insurer that insures the
/// patient now reads every report about them, whoever submitted it, by id and through
/// <c>GET /sharing/checkup-reports?patient={id}</c>; each look is audited against the patient.
/// </summary>
public abstract class CheckupReportContract(ServerFixture server) : CheckupScenario(server)
{
    [Fact]
    public async Task ThePatientsInsurer_ReadsAReportItDidNotSubmit_AndListsThemAll()
    {
        using var checkup = await CheckupAsync();
        var read = await (await checkup.Insurer.GetAsync($"/sharing/documents/{checkup.Report}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("checkup-report", (string?)read["kind"]);
        Assert.Equal(checkup.InstitutionCode, (string?)read["sender"]!["code"]);
        Assert.Equal("Bundle", (string?)read["document"]!["resourceType"]);
        // The insurer's "sent" list holds what it sent, not what it may read.
        Assert.Empty((await (await checkup.Insurer.GetAsync("/sharing/sent")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray());

        // A second report from another institution, and one the insurer submits itself: the list has all three, newest first, metadata only.
        var otherClinic = await Server.RegisterClientAsync("clerk", "clinic");
        using var other = Server.CreateClient(otherClinic);
        var second = (string)(await SubmitCheckupAsync(other, checkup.Patient, otherClinic.OrganizationCode, checkup.InsurerClient.OrganizationCode))["id"]!;
        var own = (string)(await SubmitCheckupAsync(checkup.Insurer, checkup.Patient, ServerFixture.NewInstitutionCode(1), checkup.InsurerClient.OrganizationCode))["id"]!;
        var list = await (await checkup.Insurer.GetAsync($"/sharing/checkup-reports?patient={checkup.Patient}")).ExpectAsync(HttpStatusCode.OK);
        var items = list["items"]!.AsArray();
        Assert.Equal([own, second, checkup.Report], items.Select(i => (string)i!["id"]!));
        Assert.All(items, i => Assert.Null(i!["document"]));
        Assert.All(items, i => Assert.Equal("Patient/" + checkup.Patient, (string?)i!["patient"]));
        await (await checkup.Insurer.GetAsync($"/sharing/documents/{second}")).ExpectAsync(HttpStatusCode.OK);

        // Both looks are in the audit trail, against the patient.
        var audit = await (await Operator.GetAsync($"/admin/audit?patient={Uri.EscapeDataString("Patient/" + checkup.Patient)}&count=200")).ExpectAsync(HttpStatusCode.OK);
        var mine = audit.AsArray().Select(r => r!["record"]!).Where(r => (string?)r["agent"] == checkup.InsurerClient.ClientId).ToList();
        Assert.Contains(mine, r => (string?)r["interaction"] == "document-checkup-reports" && (int)r["outcome"]! == 200);
        Assert.Contains(mine, r => (string?)r["interaction"] == "document-read" && (int)r["outcome"]! == 200);
    }

    [Fact]
    public async Task ThePatient_AndAnInstitutionWithCheckupConsent_ListTheReports()
    {
        using var checkup = await CheckupAsync();
        using var me = await PatientClientAsync(checkup.Patient);
        Assert.Equal([checkup.Report], await CheckupIdsAsync(me, checkup.Patient));
        await (await me.GetAsync($"/sharing/documents/{checkup.Report}")).ExpectAsync(HttpStatusCode.OK);

        var hospital = await Server.RegisterClientAsync("nurse", "hospital");
        using var nurse = Server.CreateClient(hospital);
        var refused = await (await nurse.GetAsync($"/sharing/checkup-reports?patient={checkup.Patient}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        Assert.Contains("'checkup'", refused, StringComparison.Ordinal);
        await TestConsents.GrantAsync(Operator, checkup.Patient, hospital.OrganizationCode, "checkup");
        Assert.Equal([checkup.Report], await CheckupIdsAsync(nurse, checkup.Patient));
        await (await nurse.GetAsync($"/sharing/documents/{checkup.Report}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ACorrection_IsListedAsTheLatestVersion_AndTheInsurerReadsBoth()
    {
        using var checkup = await CheckupAsync();
        var identifier = FhirHttp.Unique("checkup");
        var first = (string)(await SubmitCheckupAsync(checkup.Institution, checkup.Patient, checkup.InstitutionCode, checkup.InsurerClient.OrganizationCode, identifier))["id"]!;
        var corrected = await SubmitCheckupAsync(checkup.Institution, checkup.Patient, checkup.InstitutionCode, checkup.InsurerClient.OrganizationCode, identifier);
        Assert.Equal(first, (string?)corrected["replaces"]);

        Assert.Equal([(string)corrected["id"]!, checkup.Report], await CheckupIdsAsync(checkup.Insurer, checkup.Patient));
        var earlier = await (await checkup.Insurer.GetAsync($"/sharing/documents/{first}")).ExpectAsync(HttpStatusCode.OK);
        Assert.True((bool)earlier["superseded"]!);
    }

    [Fact]
    public async Task ListingNeedsAPatient()
    {
        using var checkup = await CheckupAsync();
        await (await checkup.Insurer.GetAsync("/sharing/checkup-reports")).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class SqliteCheckupReportTests(SqliteServerFixture server) : CheckupReportContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCheckupReportTests(PostgresServerFixture server) : CheckupReportContract(server), IClassFixture<PostgresServerFixture>;
