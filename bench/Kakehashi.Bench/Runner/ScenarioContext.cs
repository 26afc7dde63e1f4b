using System.Diagnostics;
using System.Net.Http.Headers;

namespace Kakehashi.Bench.Runner;

/// <summary>What a scenario works with: the HTTP client, the options, the recorder, sampled data.</summary>
public sealed class ScenarioContext(HttpClient client, BenchOptions options, Recorder recorder)
{
    public const string FhirJson = "application/fhir+json";
    private static readonly MediaTypeHeaderValue FhirJsonContentType = new(FhirJson) { CharSet = "utf-8" };
    private readonly Lock sampleGate = new();
    private Task<DataSample>? sample;

    public HttpClient Client { get; } = client;

    public BenchOptions Options { get; } = options;

    public Recorder Recorder { get; } = recorder;

    /// <summary>Values sampled from the server's data (once per run, shared by scenarios).</summary>
    public Task<DataSample> SampleAsync(CancellationToken cancellationToken)
    {
        lock (sampleGate)
        {
            return sample ??= DataSample.LoadAsync(this, cancellationToken);
        }
    }

    /// <summary>Forgets the sample (after an import changed the data).</summary>
    public void InvalidateSample()
    {
        lock (sampleGate)
        {
            sample = null;
        }
    }

    /// <summary>
    /// Sends one request and records its latency under <paramref name="operation"/> (unless null).
    /// A status outside 2xx counts as an error unless listed in <paramref name="expected"/>.
    /// Network failures and time-outs are recorded as errors (status 0) and returned as status 0.
    /// </summary>
    public Task<BenchResponse> SendAsync(string? operation, HttpMethod method, string relativeUrl, byte[]? body, CancellationToken cancellationToken, params int[] expected) =>
        SendAsync(operation, method, relativeUrl, body, FhirJsonContentType, cancellationToken, expected);

    /// <summary>As the FHIR overload, for a body of another media type (JSON APIs, NDJSON or CSV uploads).</summary>
    public async Task<BenchResponse> SendAsync(string? operation, HttpMethod method, string relativeUrl, byte[]? body, MediaTypeHeaderValue contentType, CancellationToken cancellationToken, params int[] expected)
    {
        using var request = new HttpRequestMessage(method, relativeUrl);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = contentType;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var elapsed = Stopwatch.GetTimestamp() - started;
            var status = (int)response.StatusCode;
            var error = status is < 200 or >= 300 && Array.IndexOf(expected, status) < 0;
            if (operation is not null)
            {
                Recorder.Record(operation, elapsed, status, error, error ? $"{method} {relativeUrl} → {status} {Snippet(bytes)}" : null);
            }

            return new BenchResponse(status, bytes, response.Headers.Location?.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (operation is not null)
            {
                Recorder.Record(operation, Stopwatch.GetTimestamp() - started, 0, true, $"{method} {relativeUrl} → {e.GetType().Name}: {e.Message}");
            }

            return new BenchResponse(0, [], null);
        }
    }

    private static string Snippet(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
        return text.ReplaceLineEndings(" ");
    }
}
