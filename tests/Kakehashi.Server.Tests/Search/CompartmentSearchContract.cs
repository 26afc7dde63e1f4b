using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>Compartment search (Patient/123/Observation) and Patient/$everything.</summary>
public abstract class CompartmentSearchContract(ServerFixture server) : SearchTestBase(server)
{
    private static string Observation(string patient, string code = "c", string? date = null, string? performer = null) =>
        $$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:s","code":"{{code}}"}]},"subject":{"reference":"Patient/{{patient}}"}{{(date is null ? "" : $",\"effectiveDateTime\":\"{date}\"")}}{{(performer is null ? "" : $",\"performer\":[{{\"reference\":\"{performer}\"}}]")}}}""";

    [Fact]
    public async Task Compartment_ReturnsOnlyThatPatientsResources_AndAppliesFilters()
    {
        var p1 = await CreateAsync(Patient("Comp1"));
        var p2 = await CreateAsync(Patient("Comp2"));
        var o1 = await CreateAsync(Observation(p1, "a"));
        var o2 = await CreateAsync(Observation(p1, "b"));
        await CreateAsync(Observation(p2, "a"));

        await ExpectAsync($"Patient/{p1}/Observation", o1, o2);
        await ExpectAsync($"Patient/{p1}/Observation?code=a", o1);
        await ExpectAsync($"Patient/{p2}/Condition");
    }

    [Fact]
    public async Task Compartment_UsesEveryParameterOfTheDefinition()
    {
        // Observation is in a Patient's compartment through subject or performer.
        var patient = await CreateAsync(Patient("Perf"));
        var other = await CreateAsync(Patient("Subj"));
        var performed = await CreateAsync(Observation(other, performer: "Patient/" + patient));

        await ExpectAsync($"Patient/{patient}/Observation", performed);
    }

    [Fact]
    public async Task Compartment_AllTypes_IncludesThePatientItself()
    {
        var patient = await CreateAsync(Patient("Star"));
        var obs = await CreateAsync(Observation(patient));
        var condition = await CreateAsync($$"""{"resourceType":"Condition","subject":{"reference":"Patient/{{patient}}"},"code":{"text":"x"} }""");
        await CreateAsync("""{"resourceType":"Organization","name":"NotInCompartment"}""");

        await ExpectAsync($"Patient/{patient}/*", patient, obs, condition);
    }

    [Fact]
    public async Task Compartment_TypeNotInCompartment_Is400()
    {
        var patient = await CreateAsync(Patient("NotIn"));
        await ExpectBadRequestAsync($"Patient/{patient}/Organization", "Organization");
        await ExpectBadRequestAsync($"Organization/{patient}/Observation", "compartment");
    }

    [Fact]
    public async Task Compartment_EncounterAndPractitionerCompartments_Work()
    {
        var practitioner = await CreateAsync("""{"resourceType":"Practitioner","name":[{"family":"Doc"}]}""");
        var patient = await CreateAsync(Patient("PracComp"));
        var obs = await CreateAsync(Observation(patient, performer: "Practitioner/" + practitioner));
        var encounter = await CreateAsync($$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/{{patient}}"} }""");
        var inEncounter = await CreateAsync($$"""{"resourceType":"Observation","status":"final","code":{"text":"e"},"encounter":{"reference":"Encounter/{{encounter}}"} }""");

        await ExpectAsync($"Practitioner/{practitioner}/Observation", obs);
        await ExpectAsync($"Encounter/{encounter}/Observation", inEncounter);
    }

    [Fact]
    public async Task Everything_ReturnsPatientCompartmentAndReferencedResources()
    {
        var org = await CreateAsync("""{"resourceType":"Organization","name":"Ref"}""");
        var practitioner = await CreateAsync("""{"resourceType":"Practitioner","name":[{"family":"Ref"}]}""");
        var patient = await CreateAsync(Patient("Every", extra: $",\"managingOrganization\":{{\"reference\":\"Organization/{org}\"}}"));
        var obs = await CreateAsync(Observation(patient, performer: "Practitioner/" + practitioner));
        var other = await CreateAsync(Patient("Else"));
        await CreateAsync(Observation(other));

        var bundle = await (await Client.GetAsync($"Patient/{patient}/$everything")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(new[] { obs, patient }.Order(StringComparer.Ordinal), MatchIds(bundle));
        Assert.Equal(new[] { "Organization/" + org, "Practitioner/" + practitioner }.Order(StringComparer.Ordinal), IncludedKeys(bundle));
    }

    [Fact]
    public async Task Everything_TypeSinceStartEnd_Filter()
    {
        var patient = await CreateAsync(Patient("EveryFilter"));
        var old = await CreateAsync(Observation(patient, date: "2019-06-01"));
        var recent = await CreateAsync(Observation(patient, date: "2024-06-01"));
        var undated = await CreateAsync(Observation(patient));

        Assert.Equal(new[] { old, recent, undated }.Order(StringComparer.Ordinal), MatchIds(await Everything(patient, "_type=Observation")));
        Assert.Equal(new[] { recent, undated, patient }.Order(StringComparer.Ordinal), MatchIds(await Everything(patient, "start=2024-01-01")));
        Assert.Equal(new[] { old, undated, patient }.Order(StringComparer.Ordinal), MatchIds(await Everything(patient, "end=2020-01-01")));
        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty(MatchIds(await Everything(patient, "_since=" + future)));
    }

    [Fact]
    public async Task Everything_Pages_ThroughSignedCursors()
    {
        var patient = await CreateAsync(Patient("EveryPage"));
        var expected = new List<string> { patient };
        for (var i = 0; i < 5; i++)
        {
            expected.Add(await CreateAsync(Observation(patient)));
        }

        var seen = new List<string>();
        var bundle = await Everything(patient, "_count=2");
        seen.AddRange(MatchIds(bundle));
        while (Link(bundle, "next") is { } next)
        {
            Assert.Contains("_cursor=", next, StringComparison.Ordinal);
            bundle = await (await Client.GetAsync(next)).ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(MatchIds(bundle));
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Everything_UnknownPatient_Is404_AndBadParameter_Is400()
    {
        await (await Client.GetAsync("Patient/" + Guid.NewGuid() + "/$everything")).ExpectOutcomeAsync(HttpStatusCode.NotFound);
        var patient = await CreateAsync(Patient("EveryBad"));
        await ExpectBadRequestAsync($"Patient/{patient}/$everything?shoe=1", "shoe");
        await ExpectBadRequestAsync($"Patient/{patient}/$everything?_type=Organization", "Organization");
    }

    private async Task<JsonNode> Everything(string patient, string query) =>
        await (await Client.GetAsync($"Patient/{patient}/$everything?{query}")).ExpectAsync(HttpStatusCode.OK);
}

public sealed class SqliteCompartmentSearchTests(SqliteServerFixture server) : CompartmentSearchContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCompartmentSearchTests(PostgresServerFixture server) : CompartmentSearchContract(server), IClassFixture<PostgresServerFixture>;
