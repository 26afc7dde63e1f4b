using System.Globalization;
using System.Runtime.InteropServices;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Platform.Security;
using Kakehashi.Server.Fhir;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Kakehashi.Bench.Security;

/// <summary>
/// The Kakehashi server exactly as Program.cs composes it (hosted through
/// <see cref="WebApplicationFactory{TEntryPoint}"/> on Kestrel), plus two routes that exist only
/// in this benchmark host, never in the server: the same FHIR engine path <b>without</b> the
/// access guard and its audit, so that one process, one database and one wrk run compare
///   /fhir/…          token validation + active-caller check + guard + audit (the real server)
///   /bench/token/…   token validation + active-caller check, no guard, no audit
///   /bench/engine/…  neither: reader → dispatcher → writer, as before authorization existed
/// A request dispatched without a caller is the server's own work, which the guard lets through.
/// Configuration as for the server (Kakehashi__… environment variables); <c>--port N</c>.
/// </summary>
public static class SecurityBenchHost
{
    public static async Task<int> Main(string[] args)
    {
        var portIndex = Array.IndexOf(args, "--port");
        var port = portIndex >= 0 && portIndex + 1 < args.Length ? int.Parse(args[portIndex + 1], CultureInfo.InvariantCulture) : 8190;
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.ConfigureServices(services => services.AddTransient<IStartupFilter, UnguardedRoutes>());
        });
        factory.UseKestrel(kestrel => kestrel.ListenLocalhost(port));
        factory.StartServer();
        Console.WriteLine($"security bench host on http://127.0.0.1:{port} (/fhir, /bench/token, /bench/engine)");

        var stop = new TaskCompletionSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; stop.TrySetResult(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => { signal.Cancel = true; stop.TrySetResult(); });
        await stop.Task;
        return 0;
    }

    private sealed class UnguardedRoutes : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map("/bench/engine", engine => engine.Run(context => DispatchAsync(context, resolveCaller: false)));
            app.Map("/bench/token", token =>
            {
                // OpenIddict validation runs inside the authentication middleware, as on the server's own pipeline,
                // and derives the expected issuer from the base path: that of the server, not of this branch.
                token.Use((context, next) =>
                {
                    context.Request.PathBase = "";
                    return next(context);
                });
                token.UseAuthentication();
                token.Run(context => DispatchAsync(context, resolveCaller: true));
            });
            next(app);
        };

        private static async Task DispatchAsync(HttpContext context, bool resolveCaller)
        {
            var services = context.RequestServices;
            var format = FhirMediaTypes.ResponseFormat(context.Request);
            if (resolveCaller)
            {
                // The caller is resolved (and refused with 401 if invalid) but not handed on: the guard is skipped.
                _ = await services.GetRequiredService<CallerResolver>().ResolveAsync(context);
            }

            var request = await services.GetRequiredService<FhirRequestReader>().ReadAsync(context, context.Request.Path.Value?.Trim('/') ?? "", context.RequestAborted);
            var response = await services.GetRequiredService<FhirDispatcher>().DispatchAsync(request, null, context.RequestAborted);
            await services.GetRequiredService<FhirResponseWriter>().WriteAsync(context, request, response, format);
        }
    }
}
