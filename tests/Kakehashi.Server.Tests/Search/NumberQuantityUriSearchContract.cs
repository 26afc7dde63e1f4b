using Kakehashi.Server.Tests.Support;

namespace Kakehashi.Server.Tests.Search;

/// <summary>Number, quantity and uri parameters with their prefixes and modifiers.</summary>
public abstract class NumberQuantityUriSearchContract(ServerFixture server) : SearchTestBase(server)
{
    private static string Risk(string probability) =>
        $$"""{"resourceType":"RiskAssessment","status":"final","subject":{"reference":"Patient/x"},"prediction":[{"probabilityDecimal":{{probability}}}]}""";

    private static string Quantity(string value, string code, string system = "http://unitsofmeasure.org", string? comparator = null) =>
        $$"""{"resourceType":"Observation","status":"final","code":{"text":"q"},"valueQuantity":{"value":{{value}},{{(comparator is null ? "" : $"\"comparator\":\"{comparator}\",")}}"unit":"{{code}}","system":"{{system}}","code":"{{code}}" } }""";

    [Fact]
    public async Task Number_Eq_UsesThePrecisionOfTheSearchValue()
    {
        var a = await CreateAsync(Risk("0.25"));
        var b = await CreateAsync(Risk("0.254"));
        var c = await CreateAsync(Risk("0.3"));

        await ExpectAsync("RiskAssessment?probability=0.25", a, b);
        await ExpectAsync("RiskAssessment?probability=0.250", a);
        // "0.3" means [0.25, 0.35): the implicit range of one decimal place.
        await ExpectAsync("RiskAssessment?probability=0.3", a, b, c);
    }

    [Fact]
    public async Task Number_Prefixes_CompareAgainstTheValue()
    {
        var low = await CreateAsync(Risk("0.1"));
        var mid = await CreateAsync(Risk("0.5"));
        var high = await CreateAsync(Risk("0.9"));

        await ExpectAsync("RiskAssessment?probability=gt0.5", high);
        await ExpectAsync("RiskAssessment?probability=ge0.5", mid, high);
        await ExpectAsync("RiskAssessment?probability=lt0.5", low);
        await ExpectAsync("RiskAssessment?probability=le0.5", low, mid);
        await ExpectAsync("RiskAssessment?probability=ne0.5", low, high);
        await ExpectAsync("RiskAssessment?probability=sa0.5", high);
        await ExpectAsync("RiskAssessment?probability=eb0.5", low);
        await ExpectAsync("RiskAssessment?probability=ap0.5", mid);
    }

    [Fact]
    public async Task Number_Malformed_Is400()
    {
        await ExpectBadRequestAsync("RiskAssessment?probability=abc", "probability");
    }

    [Fact]
    public async Task Quantity_ValueSystemAndCode()
    {
        var mg = await CreateAsync(Quantity("5.4", "mg"));
        var g = await CreateAsync(Quantity("5.4", "g"));
        var other = await CreateAsync(Quantity("5.4", "mg", system: "urn:local-units"));

        await ExpectAsync("Observation?value-quantity=5.4", mg, g, other);
        await ExpectAsync("Observation?value-quantity=5.4||mg", mg, other);
        await ExpectAsync("Observation?value-quantity=5.4|http://unitsofmeasure.org|mg", mg);
        Assert.NotEmpty(g);
    }

    [Fact]
    public async Task Quantity_Prefixes()
    {
        var five = await CreateAsync(Quantity("5", "mmol/L"));
        var ten = await CreateAsync(Quantity("10", "mmol/L"));

        await ExpectAsync("Observation?value-quantity=gt6||mmol/L", ten);
        await ExpectAsync("Observation?value-quantity=le5||mmol/L", five);
        await ExpectAsync("Observation?value-quantity=ap9.5||mmol/L", ten);
    }

    [Fact]
    public async Task Quantity_Comparator_MakesTheValueABound()
    {
        var lessThanFive = await CreateAsync(Quantity("5", "mg", comparator: "<"));

        await ExpectAsync("Observation?value-quantity=lt3||mg", lessThanFive);
        await ExpectAsync("Observation?value-quantity=gt6||mg");
    }

    [Fact]
    public async Task Quantity_Ucum_ComparesAcrossUnitsOfTheSameDimension()
    {
        var milligrams = await CreateAsync(Quantity("5400", "mg"));
        var grams = await CreateAsync(Quantity("5.4", "g"));
        var kilograms = await CreateAsync(Quantity("0.0054", "kg"));
        var other = await CreateAsync(Quantity("5.4", "mL"));

        await ExpectAsync("Observation?value-quantity=5.4|http://unitsofmeasure.org|g", milligrams, grams, kilograms);
        await ExpectAsync("Observation?value-quantity=5400|http://unitsofmeasure.org|mg", milligrams, grams, kilograms);
        await ExpectAsync("Observation?value-quantity=gt5|http://unitsofmeasure.org|g", milligrams, grams, kilograms);
        await ExpectAsync("Observation?value-quantity=lt5|http://unitsofmeasure.org|g");
        await ExpectAsync("Observation?value-quantity=5.4|http://unitsofmeasure.org|L");
        Assert.NotEmpty(other);
    }

    [Fact]
    public async Task Quantity_Ucum_ClinicalConcentrationsAndTemperatures()
    {
        var glucoseMgDl = await CreateAsync(Quantity("100", "mg/dL"));
        var glucoseGl = await CreateAsync(Quantity("1", "g/L"));
        var feverC = await CreateAsync(Quantity("38.5", "Cel"));

        await ExpectAsync("Observation?value-quantity=1|http://unitsofmeasure.org|g/L", glucoseMgDl, glucoseGl);
        await ExpectAsync("Observation?value-quantity=ge100|http://unitsofmeasure.org|[degF]", feverC);
        await ExpectAsync("Observation?value-quantity=lt37|http://unitsofmeasure.org|Cel");
    }

    [Fact]
    public async Task Quantity_Malformed_Is400()
    {
        await ExpectBadRequestAsync("Observation?value-quantity=5|mg", "value-quantity");
    }

    [Fact]
    public async Task Uri_ExactBelowAndAbove()
    {
        var root = await CreateAsync("""{"resourceType":"ValueSet","status":"active","url":"http://jpfhir.jp/fhir/core"}""");
        var child = await CreateAsync("""{"resourceType":"ValueSet","status":"active","url":"http://jpfhir.jp/fhir/core/ValueSet/a"}""");
        var other = await CreateAsync("""{"resourceType":"ValueSet","status":"active","url":"http://example.org/ValueSet/a"}""");

        await ExpectAsync("ValueSet?url=http://jpfhir.jp/fhir/core/ValueSet/a", child);
        await ExpectAsync("ValueSet?url:below=http://jpfhir.jp/fhir/core", root, child);
        await ExpectAsync("ValueSet?url:above=http://jpfhir.jp/fhir/core/ValueSet/a/b", root, child);
        await ExpectAsync("ValueSet?url=http://jpfhir.jp/fhir", []);
        Assert.NotEmpty(other);
    }

    [Fact]
    public async Task Profile_AndSource_AreUriSearches()
    {
        var jp = await CreateAsync("""{"resourceType":"Patient","meta":{"profile":["http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient"],"source":"urn:kakehashi:clinic-a"},"identifier":[{"system":"urn:oid:1.2.392.100495.20.3.51.11311234567","value":"00000001"}],"name":[{"family":"山田"}]}""");
        await CreateAsync(Patient("Plain"));

        await ExpectAsync("Patient?_profile=http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient", jp);
        await ExpectAsync("Patient?_source=urn:kakehashi:clinic-a", jp);
    }
}

public sealed class SqliteNumberQuantityUriSearchTests(SqliteServerFixture server) : NumberQuantityUriSearchContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresNumberQuantityUriSearchTests(PostgresServerFixture server) : NumberQuantityUriSearchContract(server), IClassFixture<PostgresServerFixture>;
