using System.Net.Http.Headers;
using System.Text.Json;

namespace Kakehashi.Bench.Runner;

/// <summary>
/// OAuth 2.0 client credentials for servers that require a bearer token (Kakehashi with security
/// on, or any other server): gets a token from <c>--token-url</c> with <c>--client-id</c> and
/// <c>--client-secret</c> (or <c>--client-secret-file</c>), attaches it to every request and renews
/// it a minute before it expires. <c>--bearer-token</c> attaches a fixed token instead.
/// </summary>
public sealed class ClientCredentialsTokenHandler : DelegatingHandler
{
    private readonly BenchOptions options;
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset renewAt;

    public ClientCredentialsTokenHandler(BenchOptions options, HttpMessageHandler inner)
        : base(inner)
    {
        this.options = options;
        token = options.Setting("bearer-token");
        renewAt = token is null ? DateTimeOffset.MinValue : DateTimeOffset.MaxValue;
    }

    /// <summary>True when the options ask for a token.</summary>
    public static bool IsConfigured(BenchOptions options) => options.Setting("bearer-token") is not null || options.Setting("token-url") is not null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gate.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (token is not null && DateTimeOffset.UtcNow < renewAt)
        {
            return token;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (token is not null && DateTimeOffset.UtcNow < renewAt)
            {
                return token;
            }

            var secret = options.Setting("client-secret")
                ?? (options.Setting("client-secret-file") is { } file ? (await File.ReadAllTextAsync(file, cancellationToken)).Trim() : null)
                ?? throw new ArgumentException("--token-url needs --client-secret or --client-secret-file");
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = options.Setting("client-id") ?? throw new ArgumentException("--token-url needs --client-id"),
                ["client_secret"] = secret,
            };
            if (options.Setting("scope") is { } scope)
            {
                form["scope"] = scope;
            }

            using var content = new FormUrlEncodedContent(form);
            using var message = new HttpRequestMessage(HttpMethod.Post, options.Setting("token-url")) { Content = content };
            using var response = await base.SendAsync(message, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"The token endpoint refused the client: {(int)response.StatusCode} {body}");
            }

            using var json = JsonDocument.Parse(body);
            token = json.RootElement.GetProperty("access_token").GetString()!;
            var lifetime = json.RootElement.TryGetProperty("expires_in", out var expiresIn) ? expiresIn.GetInt32() : 300;
            renewAt = DateTimeOffset.UtcNow.AddSeconds(Math.Max(10, lifetime - 60));
            return token;
        }
        finally
        {
            gate.Release();
        }
    }
}
