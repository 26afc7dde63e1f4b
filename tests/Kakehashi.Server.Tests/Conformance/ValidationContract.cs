using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Conformance;

/// <summary>$validate (type and instance level, profile, mode) and validation on write with the shipped default policy.</summary>
public abstract class ValidationContract(ServerFixture server)
{
    private const string JpPatient = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient";

    private static readonly string ProfileParameters = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"profile\",\"valueUri\":\"" + JpPatient + "\"}]}";
    private const string DeleteParameters = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"mode\",\"valueCode\":\"delete\"}]}";

    protected HttpClient Client => server.Client;

    /// <summary>A JP Core patient; <paramref name="withIdentifier"/> false breaks JP_Patient (identifier is 1..*).</summary>
    public static JsonObject JpPatientJson(string family, bool withIdentifier = true, bool declareProfile = true)
    {
        var patient = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["name"] = new JsonArray(new JsonObject { ["use"] = "usual", ["text"] = family + " 花子", ["family"] = family, ["given"] = new JsonArray("花子") }),
            ["gender"] = "female",
            ["birthDate"] = "1980-02-03",
        };
        if (declareProfile)
        {
            patient["meta"] = new JsonObject { ["profile"] = new JsonArray(JpPatient) };
        }

        if (withIdentifier)
        {
            patient["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:oid:1.2.392.100495.20.3.51.11311234567", ["value"] = Guid.NewGuid().ToString("N")[..8] });
        }

        return patient;
    }

    private static IEnumerable<JsonNode> Issues(JsonNode outcome, string severity) =>
        outcome["issue"]!.AsArray().Where(i => (string?)i!["severity"] == severity).Select(i => i!);

    [Fact]
    public async Task Validate_ValidJpPatient_ReturnsOutcomeWithoutErrors()
    {
        var outcome = await (await Client.SendAsync(HttpMethod.Post, "Patient/$validate", JpPatientJson(Unique("検証")).ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        Assert.Empty(Issues(outcome, "error"));
    }

    [Fact]
    public async Task Validate_InvalidJpPatient_ListsErrorWithSeverityAndFhirPathLocation()
    {
        var outcome = await (await Client.SendAsync(HttpMethod.Post, "Patient/$validate", JpPatientJson(Unique("検証"), withIdentifier: false).ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        var error = Assert.Single(Issues(outcome, "error"));
        Assert.StartsWith("Patient", (string)error["expression"]![0]!);
        Assert.Contains("identifier", error.ToJsonString());
    }

    [Fact]
    public async Task Validate_ProfileParameter_ChecksAProfileTheResourceDoesNotDeclare()
    {
        var plain = JpPatientJson(Unique("検証"), withIdentifier: false, declareProfile: false).ToJsonString();
        var withoutProfile = await (await Client.SendAsync(HttpMethod.Post, "Patient/$validate", plain)).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(Issues(withoutProfile, "error"));

        var withProfile = await (await Client.SendAsync(HttpMethod.Post, "Patient/$validate?profile=" + Uri.EscapeDataString(JpPatient), plain)).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEmpty(Issues(withProfile, "error"));
    }

    [Fact]
    public async Task Validate_ParametersBody_WithResourceAndProfile()
    {
        var parameters = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(
                new JsonObject { ["name"] = "resource", ["resource"] = JpPatientJson(Unique("検証"), withIdentifier: false, declareProfile: false) },
                new JsonObject { ["name"] = "profile", ["valueUri"] = JpPatient },
                new JsonObject { ["name"] = "mode", ["valueCode"] = "create" }),
        };
        var outcome = await (await Client.SendAsync(HttpMethod.Post, "Patient/$validate", parameters.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEmpty(Issues(outcome, "error"));
    }

    [Fact]
    public async Task Validate_InstanceLevel_ChecksTheStoredResource()
    {
        var created = await Client.CreateAsync(JpPatientJson(Unique("検証"), withIdentifier: false, declareProfile: false).ToJsonString());
        var id = (string)created["id"]!;
        var outcome = await (await Client.SendAsync(HttpMethod.Post, $"Patient/{id}/$validate", ProfileParameters)).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEmpty(Issues(outcome, "error"));

        var unknown = await Client.SendAsync(HttpMethod.Post, $"Patient/{Guid.NewGuid()}/$validate", ProfileParameters);
        await unknown.ExpectOutcomeAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Validate_ModeUpdate_NeedsTheIdOfTheUrl()
    {
        var patient = JpPatientJson(Unique("検証"));
        patient["id"] = "another-id";
        var outcome = await (await Client.SendAsync(HttpMethod.Post, "Patient/some-id/$validate?mode=update", patient.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        var error = Assert.Single(Issues(outcome, "error"));
        Assert.Equal("id", (string?)error["expression"]![0]);
    }

    [Fact]
    public async Task Validate_ModeDelete_OfUnknownResource_Warns()
    {
        var outcome = await (await Client.SendAsync(HttpMethod.Post, $"Patient/{Guid.NewGuid()}/$validate", DeleteParameters)).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEmpty(Issues(outcome, "warning"));
        Assert.Empty(Issues(outcome, "error"));
    }

    [Fact]
    public async Task Validate_ResourceOfAnotherType_Is400()
    {
        var response = await Client.SendAsync(HttpMethod.Post, "Observation/$validate", JpPatientJson(Unique("検証")).ToJsonString());
        await response.ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Write_DeclaringJpProfile_Invalid_Is422WithEveryError_AndNothingIsStored()
    {
        var family = Unique("拒否");
        var response = await Client.SendAsync(HttpMethod.Post, "Patient", JpPatientJson(family, withIdentifier: false).ToJsonString());
        var outcome = await response.ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        Assert.NotEmpty(Issues(outcome, "error"));
        Assert.All(outcome["issue"]!.AsArray(), i => Assert.NotNull(i!["expression"]));

        var search = await (await Client.GetAsync("Patient?family=" + Uri.EscapeDataString(family))).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(search["entry"]?.AsArray() ?? []);
    }

    [Theory]
    [InlineData("jp-clins/MedicationRequest-ErrorExample-JP-MedReq-ExtEye-Total1.json", "medicationCodeableConcept")]
    [InlineData("jp-clins/Observation-ErrorExample-ObsLabo-eGFR.json", "Observation.code")]
    public async Task Write_ErrorExample_IsRefusedAtTheElementItIsAbout(string file, string element)
    {
        var example = JpExamples.Text(file);
        var type = (string)JpExamples.Json(file)["resourceType"]!;
        var outcome = await (await Client.SendAsync(HttpMethod.Post, type, example)).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(Issues(outcome, "error"), i => i.ToJsonString().Contains(element, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Write_Transaction_WithOneInvalidEntry_StoresNothing()
    {
        var family = Unique("取引");
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "transaction",
            ["entry"] = new JsonArray(
                new JsonObject { ["resource"] = JpPatientJson(family), ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Patient" } },
                new JsonObject { ["resource"] = JpPatientJson(family, withIdentifier: false), ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Patient" } }),
        };
        var response = await Client.SendAsync(HttpMethod.Post, "", bundle.ToJsonString());
        await response.ExpectAsync(HttpStatusCode.UnprocessableEntity);

        var search = await (await Client.GetAsync("Patient?family=" + Uri.EscapeDataString(family))).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(search["entry"]?.AsArray() ?? []);
    }

    [Fact]
    public async Task Write_WithoutDeclaredProfile_IsStoredUnchecked()
    {
        await Client.CreateAsync(JpPatientJson(Unique("素"), withIdentifier: false, declareProfile: false).ToJsonString());
    }

    [Fact]
    public async Task Write_DeclaringAnUnknownProfile_IsStored()
    {
        var patient = JpPatientJson(Unique("未知"), withIdentifier: false);
        patient["meta"] = new JsonObject { ["profile"] = new JsonArray("http://example.org/fhir/StructureDefinition/not-known-here") };
        await Client.CreateAsync(patient.ToJsonString());
    }

    [Fact]
    public async Task Write_ValidJpPatient_IsStored()
    {
        await Client.CreateAsync(JpPatientJson(Unique("適合")).ToJsonString());
    }

    [Fact]
    public async Task PostedProfile_WithDifferentialOnly_IsUsedBy_ValidateAndWrite()
    {
        var url = "http://hospital.example.jp/fhir/StructureDefinition/" + Unique("patient");
        await Client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "StructureDefinition",
            ["url"] = url,
            ["name"] = "HospitalPatient",
            ["status"] = "active",
            ["fhirVersion"] = "4.0.1",
            ["kind"] = "resource",
            ["abstract"] = false,
            ["type"] = "Patient",
            ["baseDefinition"] = "http://hl7.org/fhir/StructureDefinition/Patient",
            ["derivation"] = "constraint",
            ["differential"] = new JsonObject
            {
                ["element"] = new JsonArray(
                    new JsonObject { ["id"] = "Patient", ["path"] = "Patient" },
                    new JsonObject { ["id"] = "Patient.birthDate", ["path"] = "Patient.birthDate", ["min"] = 1 }),
            },
        }.ToJsonString());

        var patient = JpPatientJson(Unique("院内"), declareProfile: false);
        patient.Remove("birthDate");
        var outcome = await (await Client.SendAsync(HttpMethod.Post, "Patient/$validate?profile=" + Uri.EscapeDataString(url), patient.ToJsonString())).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(Issues(outcome, "error"), i => i.ToJsonString().Contains("birthDate", StringComparison.Ordinal));

        patient["meta"] = new JsonObject { ["profile"] = new JsonArray(url) };
        await (await Client.SendAsync(HttpMethod.Post, "Patient", patient.ToJsonString())).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        patient["birthDate"] = "1990-01-01";
        await Client.CreateAsync(patient.ToJsonString());
    }

    [Fact]
    public async Task CapabilityStatement_ListsTheConformanceOperations()
    {
        var metadata = (await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK)).ToJsonString();
        foreach (var operation in new[] { "Resource-validate", "CodeSystem-lookup", "ValueSet-expand", "ValueSet-validate-code", "CodeSystem-validate-code", "ConceptMap-translate" })
        {
            Assert.Contains(operation, metadata, StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteValidationTests(SqliteServerFixture server) : ValidationContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresValidationTests(PostgresServerFixture server) : ValidationContract(server), IClassFixture<PostgresServerFixture>;
