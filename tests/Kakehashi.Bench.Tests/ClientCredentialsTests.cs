using System.Net;
using System.Text;
using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Tests;

/// <summary>A server that requires a bearer token: the runner gets one with client credentials and sends it.</summary>
public sealed class ClientCredentialsTests
{
    [Fact]
    public async Task Runner_WithClientCredentials_SendsTheToken_OnEveryRequest()
    {
        var options = BenchOptions.Parse(
        [
            "--base-url", "http://stub/fhir", "--scenarios", "read", "--concurrency", "2", "--duration", "0.3", "--warmup", "0",
            "--token-url", "http://stub/connect/token", "--client-id", "bench", "--client-secret", "s3cret",
        ]);
        var server = new TokenServer();

        var report = await new BenchRunner(options, TextWriter.Null).RunAsync(server);

        Assert.Equal("ok", report.Scenarios[0].Status);
        Assert.True(report.Scenarios[0].Requests > 0);
        Assert.Equal(1, server.TokensIssued);
    }

    /// <summary>Issues "t1" to client bench/s3cret; answers 401 to any request without it.</summary>
    private sealed class TokenServer : HttpMessageHandler
    {
        private int tokensIssued;

        public int TokensIssued => tokensIssued;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath == "/connect/token")
            {
                var form = await request.Content!.ReadAsStringAsync(cancellationToken);
                var ok = form.Contains("grant_type=client_credentials", StringComparison.Ordinal) && form.Contains("client_id=bench", StringComparison.Ordinal) && form.Contains("client_secret=s3cret", StringComparison.Ordinal);
                if (ok)
                {
                    Interlocked.Increment(ref tokensIssued);
                }

                return Json(ok ? HttpStatusCode.OK : HttpStatusCode.BadRequest, ok ? """{"access_token":"t1","token_type":"Bearer","expires_in":3600}""" : """{"error":"invalid_client"}""");
            }

            if (request.Headers.Authorization?.ToString() != "Bearer t1")
            {
                return Json(HttpStatusCode.Unauthorized, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"login"}]}""");
            }

            return request.RequestUri.Query.Length > 0
                ? Json(HttpStatusCode.OK, """{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Patient","id":"p1"}}]}""")
                : Json(HttpStatusCode.OK, """{"resourceType":"Patient","id":"p1"}""");
        }

        private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
            new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
