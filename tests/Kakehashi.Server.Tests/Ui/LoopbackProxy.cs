using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Logging;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>
/// A real HTTP port on 127.0.0.1 in front of the in-process test server, so that a browser can
/// reach it. Requests are passed on unchanged (same origin, cookies, bodies) through the test
/// server's handler, so the browser and the test's API clients share one server and database.
/// </summary>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Keep-Alive" };

    private readonly WebApplication app;

    private LoopbackProxy(WebApplication app, string origin)
    {
        this.app = app;
        Origin = origin;
    }

    /// <summary>e.g. http://127.0.0.1:41234</summary>
    public string Origin { get; }

    public static async Task<LoopbackProxy> StartAsync(HttpMessageHandler server)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(server, disposeHandler: true);
        var origin = "";
        app.Run(http => ForwardAsync(http, invoker, origin));
        await app.StartAsync();
        origin = app.Urls.Single().TrimEnd('/');
        return new LoopbackProxy(app, origin);
    }

    private static async Task ForwardAsync(HttpContext http, HttpMessageInvoker server, string origin)
    {
        // The server sees the origin the browser uses: redirect URIs and token issuers stay consistent.
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), origin + http.Request.GetEncodedPathAndQuery());
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body, http.RequestAborted);
            body.Position = 0;
            request.Content = new StreamContent(body);
        }

        foreach (var (name, values) in http.Request.Headers)
        {
            if (!HopHeaders.Contains(name) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await server.SendAsync(request, http.RequestAborted);
        http.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopHeaders.Contains(name))
            {
                http.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
