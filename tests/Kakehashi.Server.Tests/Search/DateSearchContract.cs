using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>Date parameters: every prefix, range semantics on the precision of both sides, periods, instants, time zones.</summary>
public abstract class DateSearchContract(ServerFixture server) : SearchTestBase(server)
{
    private static string Effective(string dateTime) =>
        $$"""{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectiveDateTime":"{{dateTime}}"}""";

    private static string EffectivePeriod(string? start, string? end) =>
        $$"""{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectivePeriod": { {{(start is null ? "" : $"\"start\":\"{start}\"")}}{{(start is not null && end is not null ? "," : "")}}{{(end is null ? "" : $"\"end\":\"{end}\"")}} } }""";

    [Fact]
    public async Task Date_Eq_MatchesValuesInsideThePrecisionOfTheSearch()
    {
        var may1 = await CreateAsync(Patient("A", birthDate: "2020-05-01"));
        var may31 = await CreateAsync(Patient("B", birthDate: "2020-05-31"));
        var june = await CreateAsync(Patient("C", birthDate: "2020-06-01"));
        var year = await CreateAsync(Patient("D", birthDate: "2020"));

        await ExpectAsync("Patient?birthdate=2020-05", may1, may31);
        await ExpectAsync("Patient?birthdate=eq2020", may1, may31, june, year);
        await ExpectAsync("Patient?birthdate=2020-05-01", may1);
        // A value less precise than the search is not inside it.
        await ExpectAsync("Patient?birthdate=2020-06", june);
    }

    [Fact]
    public async Task Date_Ne_IsTheComplementOfEq()
    {
        var may = await CreateAsync(Patient("A", birthDate: "2020-05-01"));
        var june = await CreateAsync(Patient("B", birthDate: "2020-06-01"));

        await ExpectAsync("Patient?birthdate=ne2020-05", june);
        Assert.NotEmpty(may);
    }

    [Fact]
    public async Task Date_GtLtGeLe_CompareRanges()
    {
        var d0430 = await CreateAsync(Patient("A", birthDate: "2020-04-30"));
        var d0501 = await CreateAsync(Patient("B", birthDate: "2020-05-01"));
        var d0502 = await CreateAsync(Patient("C", birthDate: "2020-05-02"));

        await ExpectAsync("Patient?birthdate=gt2020-05-01", d0502);
        await ExpectAsync("Patient?birthdate=ge2020-05-01", d0501, d0502);
        await ExpectAsync("Patient?birthdate=lt2020-05-01", d0430);
        await ExpectAsync("Patient?birthdate=le2020-05-01", d0430, d0501);
        await ExpectAsync("Patient?birthdate=ge2020-05-01&birthdate=le2020-05-01", d0501);
    }

    [Fact]
    public async Task Date_SaEb_RequireTheWholeTargetAfterOrBefore()
    {
        var spanning = await CreateAsync(EffectivePeriod("2020-04-20", "2020-05-10"));
        var after = await CreateAsync(EffectivePeriod("2020-05-02", "2020-05-05"));
        var before = await CreateAsync(EffectivePeriod("2020-04-01", "2020-04-05"));

        await ExpectAsync("Observation?date=sa2020-05-01", after);
        await ExpectAsync("Observation?date=eb2020-05-01", before);
        // gt and lt only need the ranges to overlap beyond the value.
        await ExpectAsync("Observation?date=gt2020-05-01", spanning, after);
        await ExpectAsync("Observation?date=lt2020-05-01", spanning, before);
    }

    [Fact]
    public async Task Date_Ap_MatchesApproximately()
    {
        var near = await CreateAsync(Patient("A", birthDate: "2020-05-01"));
        await CreateAsync(Patient("B", birthDate: "2010-05-01"));

        await ExpectAsync("Patient?birthdate=ap2020-05-01", near);
    }

    [Fact]
    public async Task Date_OpenPeriod_ExtendsToInfinity()
    {
        var ongoing = await CreateAsync(EffectivePeriod("2020-01-01", null));
        var ended = await CreateAsync(EffectivePeriod("2020-01-01", "2020-02-01"));

        await ExpectAsync("Observation?date=gt2030-01-01", ongoing);
        await ExpectAsync("Observation?date=lt2020-01-15", ongoing, ended);
    }

    [Fact]
    public async Task Date_TimeZones_AreComparedAsInstants()
    {
        // 2020-05-01T08:00+09:00 is 2020-04-30T23:00Z.
        var jst = await CreateAsync(Effective("2020-05-01T08:00:00+09:00"));

        await ExpectAsync("Observation?date=2020-04-30T23:00:00Z", jst);
        await ExpectAsync("Observation?date=gt2020-04-30T22:59:59Z", jst);
        await ExpectAsync("Observation?date=lt2020-04-30T23:00:00Z");
        await ExpectAsync("Observation?date=2020-04-30T23:00Z", jst);
    }

    [Fact]
    public async Task Date_Seconds_ArePrecise()
    {
        var at = await CreateAsync(Effective("2021-03-04T05:06:07Z"));

        await ExpectAsync("Observation?date=2021-03-04T05:06:07Z", at);
        await ExpectAsync("Observation?date=2021-03-04T05:06:08Z");
        await ExpectAsync("Observation?date=2021-03-04", at);
    }

    [Fact]
    public async Task Date_CommaValues_AreOr()
    {
        var a = await CreateAsync(Patient("A", birthDate: "1990-01-01"));
        var b = await CreateAsync(Patient("B", birthDate: "2000-01-01"));
        await CreateAsync(Patient("C", birthDate: "2010-01-01"));

        await ExpectAsync("Patient?birthdate=1990,2000", a, b);
    }

    [Fact]
    public async Task Date_Missing_SelectsByPresence()
    {
        var with = await CreateAsync(Patient("A", birthDate: "1990-01-01"));
        var without = await CreateAsync(Patient("B"));

        await ExpectAsync("Patient?birthdate:missing=true", without);
        await ExpectAsync("Patient?birthdate:missing=false", with);
    }

    [Fact]
    public async Task LastUpdated_FiltersByWriteTime()
    {
        var before = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var id = await CreateAsync(Patient("Recent"));

        await ExpectAsync("Patient?_lastUpdated=gt" + before, id);
        await ExpectAsync("Patient?_lastUpdated=lt" + before);
    }

    [Fact]
    public async Task Date_Malformed_Is400()
    {
        await ExpectBadRequestAsync("Patient?birthdate=2020-13-01", "birthdate");
        await ExpectBadRequestAsync("Patient?birthdate=xx2020", "birthdate");
        await ExpectBadRequestAsync("Patient?birthdate=2020-02-30", "birthdate");
    }
}

public sealed class SqliteDateSearchTests(SqliteServerFixture server) : DateSearchContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresDateSearchTests(PostgresServerFixture server) : DateSearchContract(server), IClassFixture<PostgresServerFixture>;
