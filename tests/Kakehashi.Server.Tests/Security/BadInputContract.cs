using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.Eligibility.EligibilityData;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Security;

/// <summary>
/// Attack case 80 (docs/security/attack-suite.md): bodies and forms that are not Unicode text, and
/// searches of unbounded size, answer 400 with an OperationOutcome and store nothing — never a
/// 500, never U+FFFD in place of what was sent.
/// </summary>
public abstract class BadInputContract(ServerFixture server)
{
    private const string TestSystem = "urn:kakehashi:test";

    private HttpClient Operator => server.Client;

    [Fact]
    public async Task Create_WithInvalidUtf8OrALoneSurrogate_Is400_AndStoresNothing()
    {
        foreach (var (family, label) in BadFamilies())
        {
            var identifier = Unique("utf");
            var response = await SendBytesAsync(Operator, HttpMethod.Post, "Patient", PatientBytes(identifier, family), FhirJson);

            var message = await response.ExpectOutcomeAsync(HttpStatusCode.BadRequest);
            Assert.True(message.Contains("UTF-8", StringComparison.Ordinal) || message.Contains("surrogate", StringComparison.Ordinal), $"{label}: {message}");
            Assert.Equal(0, await CountAsync(Operator, $"Patient?identifier={TestSystem}|{identifier}"));
        }
    }

    [Fact]
    public async Task XmlCreate_WithInvalidUtf8OrALoneSurrogateReference_Is400_AndStoresNothing()
    {
        byte[][] families = [[0xE5, 0xB1, 0xFF], "&#xD800;"u8.ToArray()];
        foreach (var family in families)
        {
            var identifier = Unique("xml");
            var xml = Concat(
                Encoding.UTF8.GetBytes($"""<Patient xmlns="http://hl7.org/fhir"><identifier><system value="{TestSystem}"/><value value="{identifier}"/></identifier><name><family value="山"""),
                family,
                Encoding.UTF8.GetBytes("\"/></name></Patient>"));

            var response = await SendBytesAsync(Operator, HttpMethod.Post, "Patient", xml, "application/fhir+xml");

            await response.ExpectOutcomeAsync(HttpStatusCode.BadRequest);
            Assert.Equal(0, await CountAsync(Operator, $"Patient?identifier={TestSystem}|{identifier}"));
        }
    }

    [Fact]
    public async Task Transaction_WithInvalidUtf8OrALoneSurrogate_Is400_AndStoresNothing()
    {
        foreach (var (family, _) in BadFamilies())
        {
            var good = Unique("tx");
            var bad = Unique("tx");
            var bundle = Concat(
                Encoding.UTF8.GetBytes("""{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Patient"},"resource":"""),
                Encoding.UTF8.GetBytes(PatientJson("正常", good)),
                Encoding.UTF8.GetBytes("""},{"request":{"method":"POST","url":"Patient"},"resource":"""),
                PatientBytes(bad, family),
                Encoding.UTF8.GetBytes("}]}"));

            var response = await SendBytesAsync(Operator, HttpMethod.Post, "", bundle, FhirJson);

            await response.ExpectOutcomeAsync(HttpStatusCode.BadRequest);
            Assert.Equal(0, await CountAsync(Operator, $"Patient?identifier={TestSystem}|{good},{TestSystem}|{bad}"));
        }
    }

    [Fact]
    public async Task JsonPatch_WithInvalidUtf8OrALoneSurrogate_Is400_AndChangesNothing()
    {
        var id = (string)(await Operator.CreateAsync(PatientJson("元の名前")))["id"]!;
        foreach (var (family, label) in BadFamilies())
        {
            var patch = Concat(Encoding.UTF8.GetBytes("""[{"op":"replace","path":"/name/0/family","value":"""), family, Encoding.UTF8.GetBytes("}]"));

            var response = await SendBytesAsync(Operator, HttpMethod.Patch, $"Patient/{id}", patch, "application/json-patch+json");

            await response.ExpectOutcomeAsync(HttpStatusCode.BadRequest);
            var stored = await (await Operator.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
            Assert.True((string?)stored["meta"]!["versionId"] == "1", $"{label}: the patch made version {stored["meta"]!["versionId"]}");
            Assert.Equal("元の名前", (string?)stored["name"]![0]!["family"]);
        }
    }

    [Fact]
    public async Task Search_WithInvalidUtf8InTheForm_Is400()
    {
        var form = Concat(Encoding.ASCII.GetBytes("family="), [0xE5, 0xB1], Encoding.ASCII.GetBytes("&_count=1"));

        var response = await SendBytesAsync(Operator, HttpMethod.Post, "Patient/_search", form, "application/x-www-form-urlencoded");

        Assert.Contains("UTF-8", await response.ExpectOutcomeAsync(HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_With33000IdValues_Is400NamingTheLimit_InOneParameterOrInMany()
    {
        var ids = Enumerable.Range(0, 33_000).Select(i => "x" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var oneParameter = new FormUrlEncodedContent([new("_id", string.Join(",", ids))]);
        var manyParameters = new FormUrlEncodedContent(ids.Select(id => new KeyValuePair<string, string>("_id", id)));

        foreach (var form in (FormUrlEncodedContent[])[oneParameter, manyParameters])
        {
            var message = await (await Operator.PostAsync("Patient/_search", form)).ExpectOutcomeAsync(HttpStatusCode.BadRequest);
            Assert.Contains("1,000", message, StringComparison.Ordinal);
            Assert.Contains("MaxSearchValues", message, StringComparison.Ordinal);
        }

        // Lenient handling ignores what it cannot honour, never the bound.
        var lenient = await Operator.SendAsync(HttpMethod.Get, "Patient?_id=" + string.Join(",", ids.Take(1001)), configure: Header("Prefer", "handling=lenient"));
        await lenient.ExpectOutcomeAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Search_AtTheLimitOfValues_Runs()
    {
        var id = (string)(await Operator.CreateAsync(PatientJson("上限")))["id"]!;
        var ids = Enumerable.Range(0, 999).Select(i => "y" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(id);
        using var form = new FormUrlEncodedContent([new("_id", string.Join(",", ids))]);

        var bundle = await (await Operator.PostAsync("Patient/_search", form)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(id, (string?)bundle["entry"]![0]!["resource"]!["id"]);

        // Every kind of value becomes SQL terms: the bound must keep each statement within what both databases run.
        var day = new DateOnly(1970, 1, 1);
        var kinds = new (string Name, Func<int, string> Value)[]
        {
            ("family", i => "上限" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("identifier", i => TestSystem + "|v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("birthdate", i => "ge" + day.AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ("name:contains", i => "限" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        foreach (var (name, value) in kinds)
        {
            using var many = new FormUrlEncodedContent([new(name, string.Join(",", Enumerable.Range(0, 1000).Select(value)))]);
            await (await Operator.PostAsync("Patient/_search", many)).ExpectAsync(HttpStatusCode.OK);
        }
    }

    /// <summary>A family name as raw JSON bytes (with its quotes): invalid UTF-8, and the lone-surrogate escapes.</summary>
    private static IEnumerable<(byte[] Family, string Label)> BadFamilies() =>
    [
        (Concat("\"山"u8.ToArray(), [0xFF, 0xFE], "田\""u8.ToArray()), "invalid UTF-8 bytes"),
        (Concat("\"山"u8.ToArray(), [0xE7, 0x94], "\""u8.ToArray()), "a truncated UTF-8 sequence"),
        (Encoding.ASCII.GetBytes("\"\\ud800\""), "a lone high surrogate escape"),
        (Encoding.ASCII.GetBytes("\"x\\udc00y\""), "a lone low surrogate escape"),
    ];

    private static byte[] PatientBytes(string identifier, byte[] family) => Concat(
        Encoding.UTF8.GetBytes($$"""{"resourceType":"Patient","identifier":[{"system":"{{TestSystem}}","value":"{{identifier}}"}],"name":[{"family":"""),
        family,
        Encoding.UTF8.GetBytes("""}],"birthDate":"1970-01-01"}"""));

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static async Task<HttpResponseMessage> SendBytesAsync(HttpClient client, HttpMethod method, string url, byte[] body, string mediaType)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await client.SendAsync(request);
    }
}

public sealed class SqliteBadInputTests(SqliteServerFixture server) : BadInputContract(server), IClassFixture<SqliteServerFixture>;

public sealed class PostgresBadInputTests(PostgresServerFixture server) : BadInputContract(server), IClassFixture<PostgresServerFixture>;
