using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Platform.Security;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Eligibility;

/// <summary>Qualifications registered the way an insurer's system would: a Patient and a Coverage per insured person.</summary>
public static class EligibilityData
{
    public const string MemberSystem = "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID";
    public const string InsurerSystem = "urn:oid:1.2.392.100495.20.3.61";
    public const string PublicPayerSystem = "urn:oid:1.2.392.100495.20.3.71";
    public const string LimitExtension = "http://kakehashi.jp/fhir/StructureDefinition/coverage-limit-category";
    public const string LimitSystem = "http://kakehashi.jp/fhir/CodeSystem/limit-category";

    private static int sequence = System.Security.Cryptography.RandomNumberGenerator.GetInt32(100_000, 900_000);

    /// <summary>A new insurer known to the platform (an Organization carrying its number); returns the number.</summary>
    public static async Task<string> CreateInsurerAsync(HttpClient client)
    {
        // 法別番号 31 (共済組合): never one of the "06…" numbers ServerFixture gives the insurers it registers as clients.
        var number = InstitutionCodes.WithCheckDigit("31" + Interlocked.Increment(ref sequence).ToString("D5", System.Globalization.CultureInfo.InvariantCulture)[^5..]);
        await client.CreateAsync($$"""{"resourceType":"Organization","identifier":[{"system":"{{InsurerSystem}}","value":"{{number}}"}],"name":"テスト健康保険組合 {{number}}"}""");
        return number;
    }

    /// <summary>A new card number (番号), unique to the test run.</summary>
    public static string NewNumber() => Interlocked.Increment(ref sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<string> CreatePatientAsync(HttpClient client, string birthDate = "1980-04-01", string family = "山田", string given = "花子")
    {
        var patient = $$"""
        {"resourceType":"Patient",
         "name":[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"IDE"}],"family":"{{family}}","given":["{{given}}"]},
                 {"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"SYL"}],"family":"ヤマダ","given":["ハナコ"]}],
         "gender":"female","birthDate":"{{birthDate}}"}
        """;
        return (string)(await client.CreateAsync(patient))["id"]!;
    }

    public static JsonObject Coverage(string patientId, string memberId, string start = "2020-04-01", string? end = null, int copay = 30, string? limit = null, string status = "active")
    {
        var coverage = new JsonObject
        {
            ["resourceType"] = "Coverage",
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = MemberSystem, ["value"] = memberId }),
            ["status"] = status,
            ["type"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuranceMajorCategory", ["code"] = "1" }) },
            ["beneficiary"] = new JsonObject { ["reference"] = "Patient/" + patientId },
            ["payor"] = new JsonArray(new JsonObject { ["identifier"] = new JsonObject { ["system"] = InsurerSystem, ["value"] = memberId.Split(':')[0] }, ["display"] = "テスト保険者" }),
            ["relationship"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuredPersonCategory", ["code"] = "1" }) },
            ["period"] = end is null ? new JsonObject { ["start"] = start } : new JsonObject { ["start"] = start, ["end"] = end },
            ["costToBeneficiary"] = new JsonArray(new JsonObject
            {
                ["type"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/coverage-copay-type", ["code"] = "copaypct" }) },
                ["valueQuantity"] = new JsonObject { ["value"] = copay, ["unit"] = "%", ["system"] = "http://unitsofmeasure.org", ["code"] = "%" },
            }),
        };
        if (limit is not null)
        {
            coverage["extension"] = new JsonArray(new JsonObject { ["url"] = LimitExtension, ["valueCoding"] = new JsonObject { ["system"] = LimitSystem, ["code"] = limit } });
        }

        return coverage;
    }

    public static JsonObject PublicExpense(string patientId, string payer, string recipient, string start = "2020-01-01", string? end = null) => new()
    {
        ["resourceType"] = "Coverage",
        ["status"] = "active",
        ["type"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuranceMajorCategory", ["code"] = "8" }) },
        ["subscriberId"] = recipient,
        ["beneficiary"] = new JsonObject { ["reference"] = "Patient/" + patientId },
        ["period"] = end is null ? new JsonObject { ["start"] = start } : new JsonObject { ["start"] = start, ["end"] = end },
        ["payor"] = new JsonArray(new JsonObject { ["identifier"] = new JsonObject { ["system"] = PublicPayerSystem, ["value"] = payer } }),
    };

    /// <summary>Registers a person and their qualification; returns (patient id, coverage id, insured number).</summary>
    public static async Task<Insured> RegisterAsync(HttpClient client, string insurer, string? branch = "00", string birthDate = "1980-04-01",
        string start = "2020-04-01", string? end = null, int copay = 30, string? limit = null, string symbol = "記号１", string? number = null)
    {
        var patient = await CreatePatientAsync(client, birthDate);
        number ??= NewNumber();
        var member = $"{insurer}:{symbol}:{number}:{branch}";
        var coverage = (string)(await client.CreateAsync(Coverage(patient, member, start, end, copay, limit).ToJsonString()))["id"]!;
        return new Insured(patient, coverage, insurer, symbol, number, branch ?? "", birthDate);
    }

    /// <summary>A 公費負担者番号 or 受給者番号 body with its check digit.</summary>
    public static string WithCheckDigit(string body) => InstitutionCodes.WithCheckDigit(body);

    public static JsonObject InsuranceCardCheck(Insured insured, string? visitDate = null, string? branch = null, string? birthDate = null) => new()
    {
        ["visitDate"] = visitDate,
        ["insuranceCard"] = new JsonObject
        {
            ["insurerNumber"] = insured.Insurer,
            ["symbol"] = insured.Symbol,
            ["number"] = insured.Number,
            ["branch"] = branch ?? insured.Branch,
            ["birthDate"] = birthDate ?? insured.BirthDate,
        },
    };

    public static JsonObject CardCheck(TestCard card, string? visitDate = null, params string[] consent)
    {
        var body = new JsonObject { ["visitDate"] = visitDate, ["card"] = new JsonObject { ["certificate"] = card.CertificateBase64 } };
        if (consent.Length > 0)
        {
            body["card"]!["consent"] = new JsonObject { ["categories"] = new JsonArray([.. consent.Select(c => (JsonNode)c)]) };
        }

        return body;
    }

    public static async Task<HttpResponseMessage> CheckAsync(HttpClient client, JsonObject body) =>
        await client.SendAsync(HttpMethod.Post, "/eligibility/check", body.ToJsonString(), mediaType: "application/json");

    /// <summary>Links a card to an insured number through Coverage/$link-card.</summary>
    public static async Task LinkCardAsync(HttpClient client, Insured insured, TestCard card)
    {
        var parameters = $$"""
        {"resourceType":"Parameters","parameter":[
          {"name":"insuredNumber","valueString":"{{insured.Member}}"},
          {"name":"certificate","valueBase64Binary":"{{card.CertificateBase64}}"}]}
        """;
        await (await client.SendAsync(HttpMethod.Post, "Coverage/$link-card", parameters)).ExpectAsync(HttpStatusCode.OK);
    }

    public static async Task<int> CountAsync(HttpClient client, string query)
    {
        var bundle = await (await client.GetAsync(query + (query.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "_summary=count")).ExpectAsync(HttpStatusCode.OK);
        return (int)bundle["total"]!;
    }
}

public sealed record Insured(string PatientId, string CoverageId, string Insurer, string Symbol, string Number, string Branch, string BirthDate)
{
    public string Member => $"{Insurer}:{Symbol}:{Number}:{Branch}";
}
