using System.Net;
using System.Text;
using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Tests;

/// <summary>A server without an operation: the scenario says "unsupported" and the run goes on.</summary>
public sealed class UnsupportedScenarioTests
{
    [Fact]
    public async Task Everything_AnsweredWith404_IsReportedUnsupported_AndOtherScenariosStillRun()
    {
        var options = BenchOptions.Parse(["--base-url", "http://stub/fhir", "--scenarios", "everything,read", "--concurrency", "1", "--duration", "0.3", "--warmup", "0"]);

        var report = await new BenchRunner(options, TextWriter.Null).RunAsync(new StubServer());

        var everything = report.Scenarios[0];
        Assert.Equal("unsupported", everything.Status);
        Assert.Contains("404", everything.Note, StringComparison.Ordinal);
        Assert.Equal(0, everything.Requests);
        var read = report.Scenarios[1];
        Assert.Equal("ok", read.Status);
        Assert.True(read.Requests > 0);
        Assert.Contains("unsupported", ReportWriter.Markdown(report), StringComparison.Ordinal);
    }

    /// <summary>One patient; searches of other types are empty; no $everything.</summary>
    private sealed class StubServer : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.PathAndQuery;
            var (status, body) = path switch
            {
                _ when path.Contains("$everything", StringComparison.Ordinal) =>
                    (HttpStatusCode.NotFound, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-supported"}]}"""),
                _ when path.StartsWith("/fhir/Patient?", StringComparison.Ordinal) =>
                    (HttpStatusCode.OK, """{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Patient","id":"p1","birthDate":"1970-01-01"}}]}"""),
                _ when path.Contains('?', StringComparison.Ordinal) =>
                    (HttpStatusCode.OK, """{"resourceType":"Bundle","type":"searchset"}"""),
                _ => (HttpStatusCode.OK, """{"resourceType":"Patient","id":"p1"}"""),
            };
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/fhir+json") });
        }
    }
}
