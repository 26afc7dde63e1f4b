using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kakehashi.Server.Tests.Search;

/// <summary>Token parameters: system|code forms, :not, :text, identifiers, booleans, codes and :missing.</summary>
public abstract class TokenSearchContract(ServerFixture server) : SearchTestBase(server)
{
    private static string Condition(string? system, string code, string? text = null) =>
        $$"""{"resourceType":"Condition","subject":{"reference":"Patient/x"},"code":{"coding":[ { {{(system is null ? "" : $"\"system\":\"{system}\",")}}"code":"{{code}}","display":"d-{{code}}" } ]{{(text is null ? "" : $",\"text\":\"{text}\"")}} } }""";

    [Fact]
    public async Task Token_CodeSystemForms_FollowTheSpec()
    {
        var icd = await CreateAsync(Condition("http://hl7.org/fhir/sid/icd-10", "E11"));
        var other = await CreateAsync(Condition("urn:other", "E11"));
        var noSystem = await CreateAsync(Condition(null, "E11"));
        var icdOther = await CreateAsync(Condition("http://hl7.org/fhir/sid/icd-10", "I10"));

        await ExpectAsync("Condition?code=E11", icd, other, noSystem);
        await ExpectAsync("Condition?code=http://hl7.org/fhir/sid/icd-10|E11", icd);
        await ExpectAsync("Condition?code=|E11", noSystem);
        await ExpectAsync("Condition?code=http://hl7.org/fhir/sid/icd-10|", icd, icdOther);
        await ExpectAsync("Condition?code=urn:other|E11,http://hl7.org/fhir/sid/icd-10|I10", other, icdOther);
    }

    [Fact]
    public async Task Token_CodeIsCaseSensitive()
    {
        var upper = await CreateAsync(Condition("urn:s", "ABC"));
        await CreateAsync(Condition("urn:s", "abc"));

        await ExpectAsync("Condition?code=ABC", upper);
    }

    [Fact]
    public async Task Token_Not_IncludesResourcesWithoutAnyValue()
    {
        var male = await CreateAsync(Patient("A", gender: "male"));
        var female = await CreateAsync(Patient("B", gender: "female"));
        var none = await CreateAsync(Patient("C"));

        await ExpectAsync("Patient?gender:not=male", female, none);
        await ExpectAsync("Patient?gender:not=male,female", none);
        Assert.NotEmpty(male);
    }

    [Fact]
    public async Task Token_BelowAndAbove_FollowTheNestedHierarchyOfAStoredCodeSystem()
    {
        var system = "urn:kakehashi:test:cs:" + FhirHttp.Unique();
        await Client.CreateAsync($$"""
            {"resourceType":"CodeSystem","url":"{{system}}","status":"active","content":"complete","concept":[
              {"code":"DM","display":"糖尿病","concept":[
                {"code":"T1","display":"1型糖尿病"},
                {"code":"T2","display":"2型糖尿病","concept":[{"code":"T2R","display":"腎症を伴う2型糖尿病"}]}]},
              {"code":"HT","display":"高血圧症"}]}
            """);
        var dm = await CreateAsync(Condition(system, "DM"));
        var t1 = await CreateAsync(Condition(system, "T1"));
        var t2 = await CreateAsync(Condition(system, "T2"));
        var t2r = await CreateAsync(Condition(system, "T2R"));
        var ht = await CreateAsync(Condition(system, "HT"));
        await CreateAsync(Condition("urn:other", "T2"));

        await ExpectAsync($"Condition?code:below={system}|DM", dm, t1, t2, t2r);
        await ExpectAsync($"Condition?code:below={system}|T2", t2, t2r);
        await ExpectAsync($"Condition?code:below={system}|T2R,{system}|HT", t2r, ht);
        await ExpectAsync($"Condition?code:above={system}|T2R", dm, t2, t2r);
        await ExpectAsync($"Condition?code:above={system}|HT", ht);
        await ExpectAsync($"Condition?code:below={system}|UNKNOWN");
    }

    [Fact]
    public async Task Token_Below_FollowsParentProperties_AndNeedsAKnownSystem()
    {
        var system = "urn:kakehashi:test:cs:" + FhirHttp.Unique();
        await Client.CreateAsync($$"""
            {"resourceType":"CodeSystem","url":"{{system}}","status":"active","content":"complete",
             "property":[{"code":"parent","type":"code"}],
             "concept":[{"code":"A"},{"code":"B","property":[{"code":"parent","valueCode":"A"}]},{"code":"C","property":[{"code":"parent","valueCode":"B"}]}]}
            """);
        var a = await CreateAsync(Condition(system, "A"));
        var b = await CreateAsync(Condition(system, "B"));
        var c = await CreateAsync(Condition(system, "C"));

        await ExpectAsync($"Condition?code:below={system}|B", b, c);
        await ExpectAsync($"Condition?code:above={system}|B", a, b);
        await ExpectBadRequestAsync($"Condition?code:below=urn:kakehashi:test:cs:none|A&{Mine}", "code:below");
        await ExpectBadRequestAsync($"Condition?code:below=B&{Mine}", "code:below");
    }

    [Fact]
    public async Task Token_Text_SearchesDisplayAndConceptText()
    {
        var diabetes = await CreateAsync(Condition("urn:s", "E11", text: "2型糖尿病"));
        var hypertension = await CreateAsync(Condition("urn:s", "I10", text: "高血圧症"));

        await ExpectAsync("Condition?code:text=糖尿病", diabetes);
        await ExpectAsync("Condition?code:text=d-i10", hypertension);
    }

    [Fact]
    public async Task Token_Identifier_MatchesSystemAndValue()
    {
        var a = await CreateAsync("""{"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.392.100495.20.3.51","value":"12345"}]}""");
        var b = await CreateAsync("""{"resourceType":"Patient","identifier":[{"system":"urn:other","value":"12345"}]}""");

        await ExpectAsync("Patient?identifier=12345", a, b);
        await ExpectAsync("Patient?identifier=urn:oid:1.2.392.100495.20.3.51|12345", a);
        await ExpectAsync("Patient?identifier=urn:oid:1.2.392.100495.20.3.51|99999");
    }

    [Fact]
    public async Task Token_Boolean_MatchesTrueAndFalse()
    {
        var active = await CreateAsync("""{"resourceType":"Patient","active":true}""");
        var inactive = await CreateAsync("""{"resourceType":"Patient","active":false}""");

        await ExpectAsync("Patient?active=true", active);
        await ExpectAsync("Patient?active=false", inactive);
    }

    [Fact]
    public async Task Token_ContactPoint_UsesSystemAsTokenSystem()
    {
        var phone = await CreateAsync("""{"resourceType":"Patient","telecom":[{"system":"phone","value":"03-1234-5678"}]}""");
        var mail = await CreateAsync("""{"resourceType":"Patient","telecom":[{"system":"email","value":"a@example.jp"}]}""");

        await ExpectAsync("Patient?telecom=phone|03-1234-5678", phone);
        await ExpectAsync("Patient?email=a@example.jp", mail);
        await ExpectAsync("Patient?phone=03-1234-5678", phone);
    }

    [Fact]
    public async Task Token_Missing_SelectsByPresence()
    {
        var withGender = await CreateAsync(Patient("A", gender: "other"));
        var without = await CreateAsync(Patient("B"));

        await ExpectAsync("Patient?gender:missing=true", without);
        await ExpectAsync("Patient?gender:missing=false", withGender);
    }

    [Fact]
    public async Task Token_Id_MatchesAnyOfSeveralIds()
    {
        var a = await CreateAsync(Patient("A"));
        var b = await CreateAsync(Patient("B"));
        await CreateAsync(Patient("C"));

        await ExpectAsync($"Patient?_id={a},{b}", a, b);
    }

    [Fact]
    public async Task Token_TagAndSecurity_AreSearchable()
    {
        var secret = await CreateAsync("""{"resourceType":"Patient","meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]}}""");
        await CreateAsync(Patient("Open"));

        await ExpectAsync("Patient?_security=http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R", secret);
    }

    [Fact]
    public async Task Token_OfType_MatchesIdentifierTypeAndValueTogether()
    {
        var mr = await CreateAsync("""{"resourceType":"Patient","identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"system":"urn:oid:1.2.392.100495.20.3.51.11311234567","value":"00012345"}]}""");
        await CreateAsync("""{"resourceType":"Patient","identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"SS"}]},"system":"urn:other","value":"00012345"}]}""");

        await ExpectAsync("Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|00012345", mr);
        await ExpectAsync("Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|99999999");
        await ExpectBadRequestAsync($"Patient?identifier:of-type=MR|00012345&{Mine}", "of-type");
    }

    [Fact]
    public async Task Token_SystemAliases_MatchEitherSpelling()
    {
        var oid = "urn:oid:1.2.392.999." + Random.Shared.Next(1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var url = "http://jpfhir.jp/fhir/test/" + Tag;
        Server.Services.GetRequiredService<Kakehashi.Fhir.Terminology.CodeSystemAliases>().Add(oid, url);
        var byOid = await CreateAsync(Condition(oid, "X1"));
        var byUrl = await CreateAsync(Condition(url, "X1"));

        await ExpectAsync($"Condition?code={oid}|X1", byOid, byUrl);
        await ExpectAsync($"Condition?code={url}|X1", byOid, byUrl);
    }

    private static string BloodPressure(int systolic, int diastolic) =>
        $$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":{{systolic}},"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"} },{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":{{diastolic}},"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"} } ] }""";

    [Fact]
    public async Task Composite_ComponentCodeValueQuantity_MatchesCodeAndValueOfTheSameComponent()
    {
        var high = await CreateAsync(BloodPressure(150, 80));
        var low = await CreateAsync(BloodPressure(110, 95));

        await ExpectAsync("Observation?component-code-value-quantity=http://loinc.org|8480-6$gt140", high);
        // 95 is a diastolic value: it must not satisfy a systolic criterion of another component.
        await ExpectAsync("Observation?component-code-value-quantity=http://loinc.org|8480-6$gt90", high, low);
        await ExpectAsync("Observation?component-code-value-quantity=8480-6$lt100");
        await ExpectAsync("Observation?component-code-value-quantity=8462-4$gt90|http://unitsofmeasure.org|mm[Hg]", low);
        await ExpectAsync("Observation?component-code-value-quantity=8480-6$gt140,8462-4$gt90", high, low);
        await ExpectAsync("Observation?combo-code-value-quantity=http://loinc.org|8480-6$150", high);
        await ExpectBadRequestAsync($"Observation?component-code-value-quantity=8480-6&{Mine}", "component-code-value-quantity");
    }

    [Fact]
    public async Task Composite_CodeValueConcept_UsesTokenComponents()
    {
        var positive = await CreateAsync("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"94500-6"}]},"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"10828004"}]}}""");
        await CreateAsync("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"94500-6"}]},"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260385009"}]}}""");

        await ExpectAsync("Observation?code-value-concept=http://loinc.org|94500-6$http://snomed.info/sct|10828004", positive);
    }

    [Fact]
    public async Task Token_Malformed_Is400()
    {
        await ExpectBadRequestAsync("Condition?code=a|b|c", "code");
        await ExpectBadRequestAsync("Condition?code=|", "code");
    }

    [Fact]
    public async Task Token_MissingWithBadValue_Is400()
    {
        await ExpectBadRequestAsync("Patient?gender:missing=maybe", "gender:missing");
    }
}

public sealed class SqliteTokenSearchTests(SqliteServerFixture server) : TokenSearchContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresTokenSearchTests(PostgresServerFixture server) : TokenSearchContract(server), IClassFixture<PostgresServerFixture>;
