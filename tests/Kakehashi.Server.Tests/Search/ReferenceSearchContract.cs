using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>Reference parameters, chains (any depth, OR values) and reverse chains (_has, nested).</summary>
public abstract class ReferenceSearchContract(ServerFixture server) : SearchTestBase(server)
{
    protected static string Observation(string subject, string code = "1234-5", string extra = "") =>
        $$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"{{code}}"}]},"subject":{"reference":"{{subject}}"}{{extra}}}""";

    [Fact]
    public async Task Reference_TypeAndId_BareId_AndTypeModifier_AllMatch()
    {
        var patient = await CreateAsync(Patient("Ref"));
        var obs = await CreateAsync(Observation("Patient/" + patient));
        var group = await CreateAsync("""{"resourceType":"Group","type":"person","actual":true}""");
        var groupObs = await CreateAsync(Observation("Group/" + group));

        await ExpectAsync($"Observation?subject=Patient/{patient}", obs);
        await ExpectAsync($"Observation?subject={patient}", obs);
        await ExpectAsync($"Observation?subject:Patient={patient}", obs);
        await ExpectAsync($"Observation?patient={patient}", obs);
        await ExpectAsync($"Observation?subject:Group={group}", groupObs);
        await ExpectAsync($"Observation?subject=Patient/{patient},Group/{group}", obs, groupObs);
    }

    [Fact]
    public async Task Reference_AbsoluteUrl_MatchesAsWritten()
    {
        var obs = await CreateAsync(Observation("http://other.example.jp/fhir/Patient/77"));

        await ExpectAsync("Observation?subject=http://other.example.jp/fhir/Patient/77", obs);
    }

    [Fact]
    public async Task Reference_Identifier_MatchesLogicalReference()
    {
        var obs = await CreateAsync("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"identifier":{"system":"urn:oid:1.2.392.200119.6.102","value":"P-1"}}}""");

        await ExpectAsync("Observation?subject:identifier=urn:oid:1.2.392.200119.6.102|P-1", obs);
        await ExpectAsync("Observation?subject:identifier=urn:oid:1.2.392.200119.6.102|P-2");
    }

    [Fact]
    public async Task Reference_WrongTypeModifier_Is400()
    {
        await ExpectBadRequestAsync("Observation?subject:Medication=1", "Medication");
    }

    [Fact]
    public async Task Chain_OneLevel_WithOrValues()
    {
        var yamada = await CreateAsync(Patient("山田"));
        var suzuki = await CreateAsync(Patient("鈴木"));
        var sato = await CreateAsync(Patient("佐藤"));
        var o1 = await CreateAsync(Observation("Patient/" + yamada));
        var o2 = await CreateAsync(Observation("Patient/" + suzuki));
        await CreateAsync(Observation("Patient/" + sato));

        await ExpectAsync("Observation?subject:Patient.family=山田", o1);
        await ExpectAsync("Observation?patient.family=山田,鈴木", o1, o2);
        await ExpectAsync("Observation?subject:Patient.family=ヤマダ");
    }

    [Fact]
    public async Task Chain_TwoLevels_FollowsBothReferences()
    {
        var org = await CreateAsync("""{"resourceType":"Organization","name":"架け橋病院"}""");
        var otherOrg = await CreateAsync("""{"resourceType":"Organization","name":"別病院"}""");
        var p1 = await CreateAsync(Patient("A", extra: $",\"managingOrganization\":{{\"reference\":\"Organization/{org}\"}}"));
        var p2 = await CreateAsync(Patient("B", extra: $",\"managingOrganization\":{{\"reference\":\"Organization/{otherOrg}\"}}"));
        var o1 = await CreateAsync(Observation("Patient/" + p1));
        await CreateAsync(Observation("Patient/" + p2));

        await ExpectAsync("Observation?subject:Patient.organization.name=架け橋", o1);
    }

    [Fact]
    public async Task Chain_ToDeletedResource_DoesNotMatch()
    {
        var p = await CreateAsync(Patient("Deleted"));
        await CreateAsync(Observation("Patient/" + p));
        await Client.DeleteAsync("Patient/" + p);

        await ExpectAsync("Observation?subject:Patient.family=Deleted");
    }

    [Fact]
    public async Task Chain_UnknownParameter_Is400()
    {
        await ExpectBadRequestAsync("Observation?subject:Patient.shoe=1", "shoe");
    }

    [Fact]
    public async Task Has_FindsPatientsByTheirObservations()
    {
        var p1 = await CreateAsync(Patient("Has1"));
        var p2 = await CreateAsync(Patient("Has2"));
        await CreateAsync(Observation("Patient/" + p1, code: "4548-4"));
        await CreateAsync(Observation("Patient/" + p2, code: "2339-0"));

        await ExpectAsync("Patient?_has:Observation:patient:code=4548-4", p1);
        await ExpectAsync("Patient?_has:Observation:subject:code=http://loinc.org|2339-0", p2);
        await ExpectAsync("Patient?_has:Observation:patient:code=4548-4,2339-0", p1, p2);
    }

    [Fact]
    public async Task Has_Nested_FollowsTwoReverseLinks()
    {
        var patient = await CreateAsync(Patient("Nested"));
        var other = await CreateAsync(Patient("Other"));
        var encounter = await CreateAsync($$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/{{patient}}" } }""");
        var otherEncounter = await CreateAsync($$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/{{other}}" } }""");
        await CreateAsync(Observation("Patient/" + patient, code: "nested-1", extra: $",\"encounter\":{{\"reference\":\"Encounter/{encounter}\"}}"));
        await CreateAsync(Observation("Patient/" + other, code: "nested-2", extra: $",\"encounter\":{{\"reference\":\"Encounter/{otherEncounter}\"}}"));

        await ExpectAsync("Patient?_has:Encounter:patient:_has:Observation:encounter:code=nested-1", patient);
    }

    [Fact]
    public async Task Has_WithChainInside_Works()
    {
        var practitioner = await CreateAsync("""{"resourceType":"Practitioner","name":[{"family":"医師"}]}""");
        var patient = await CreateAsync(Patient("HasChain"));
        await CreateAsync(Patient("NoMatch"));
        await CreateAsync(Observation("Patient/" + patient, extra: $",\"performer\":[{{\"reference\":\"Practitioner/{practitioner}\"}}]"));

        await ExpectAsync("Patient?_has:Observation:patient:performer:Practitioner.family=医師", patient);
    }

    [Fact]
    public async Task Has_Malformed_Is400()
    {
        await ExpectBadRequestAsync("Patient?_has:Observation:code=1", "_has");
        await ExpectBadRequestAsync("Patient?_has:Observation:status:code=1", "_has");
    }

    [Fact]
    public async Task Reference_Missing_SelectsByPresence()
    {
        var p = await CreateAsync(Patient("M"));
        var with = await CreateAsync(Observation("Patient/" + p));
        var without = await CreateAsync("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}""");

        await ExpectAsync("Observation?subject:missing=true", without);
        await ExpectAsync("Observation?subject:missing=false", with);
    }
}

public sealed class SqliteReferenceSearchTests(SqliteServerFixture server) : ReferenceSearchContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresReferenceSearchTests(PostgresServerFixture server) : ReferenceSearchContract(server), IClassFixture<PostgresServerFixture>;
