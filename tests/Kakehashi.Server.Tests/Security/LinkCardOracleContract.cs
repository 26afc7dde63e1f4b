using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Eligibility.EligibilityData;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// Attack case 81 (docs/security/attack-suite.md): <c>Coverage/$link-card</c> answers an insurer
/// asking about another insurer's insured person exactly as about a number nobody registered.
/// </summary>
public abstract class LinkCardOracleContract(ServerFixture server)
{
    [Fact]
    public async Task LinkCard_AnotherInsurersInsuredNumber_AnswersExactlyAsAnUnknownOne()
    {
        var a = await server.RegisterClientAsync("insurer-staff", "insurer");
        var b = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurerA = server.CreateClient(a);
        using var insurerB = server.CreateClient(b);
        var own = await RegisterAsync(insurerA, a.OrganizationCode);
        var others = await RegisterAsync(insurerB, b.OrganizationCode);
        var unknown = others with { Number = NewNumber() };

        await LinkCardAsync(insurerA, own, TestCards.Issue());
        var toOthers = await insurerA.SendAsync(HttpMethod.Post, "Coverage/$link-card", LinkParameters("insuredNumber", "valueString", others.Member));
        var toUnknown = await insurerA.SendAsync(HttpMethod.Post, "Coverage/$link-card", LinkParameters("insuredNumber", "valueString", unknown.Member));

        Assert.Equal(HttpStatusCode.NotFound, toOthers.StatusCode);
        Assert.Equal(toUnknown.StatusCode, toOthers.StatusCode);
        Assert.Equal(await toUnknown.Content.ReadAsByteArrayAsync(), await toOthers.Content.ReadAsByteArrayAsync());
        Assert.DoesNotContain(b.OrganizationCode, await toOthers.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // By reference too: the answer for a missing id.
        var missing = Guid.NewGuid().ToString("N");
        var byReference = await insurerA.SendAsync(HttpMethod.Post, "Coverage/$link-card", LinkParameters("coverage", "valueReference", others.CoverageId));
        var byMissing = await insurerA.SendAsync(HttpMethod.Post, "Coverage/$link-card", LinkParameters("coverage", "valueReference", missing));
        Assert.Equal(HttpStatusCode.NotFound, byReference.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byMissing.StatusCode);
        Assert.Equal((await byMissing.Content.ReadAsStringAsync()).Replace(missing, others.CoverageId, StringComparison.Ordinal), await byReference.Content.ReadAsStringAsync());

        var coverage = await (await insurerB.GetAsync($"Coverage/{others.CoverageId}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1", (string?)coverage["meta"]!["versionId"]);
    }

    private static string LinkParameters(string name, string type, string value)
    {
        var parameter = new JsonObject { ["name"] = name };
        parameter[type] = type == "valueReference" ? new JsonObject { ["reference"] = "Coverage/" + value } : value;
        parameter = new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = new JsonArray(parameter, new JsonObject { ["name"] = "certificate", ["valueBase64Binary"] = TestCards.Issue().CertificateBase64 }) };
        return parameter.ToJsonString();
    }
}

public sealed class SqliteLinkCardOracleTests(SqliteServerFixture server) : LinkCardOracleContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresLinkCardOracleTests(PostgresServerFixture server) : LinkCardOracleContract(server), IClassFixture<PostgresServerFixture>;
