using Kakehashi.Fhir.Interactions;
using Kakehashi.Server.Demo;
using Kakehashi.Server.Eligibility;
using Kakehashi.Server.Fhir;
using Kakehashi.Server.Hosting;
using Kakehashi.Server.Security;

namespace Kakehashi.Bench.Security;

/// <summary>
/// The Kakehashi server composed exactly as Program.cs does (keep the two in step), plus two routes that exist only in
/// this benchmark host, never in the server: the same FHIR engine path <b>without</b> the
/// access guard and its audit, so that one process, one database and one wrk run compare
///   /fhir/…          token validation + active-caller check + guard + audit (the real server)
///   /bench/token/…   token validation + active-caller check, no guard, no audit
///   /bench/engine/…  neither: reader → dispatcher → writer, as before authorization existed
/// A request dispatched without a caller is the server's own work, which the guard lets through.
/// </summary>
public static class SecurityBenchHost
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddKakehashiOptions();
        builder.AddKakehashiStorage();
        builder.AddFhirServer();
        builder.AddKakehashiSecurity();
        builder.AddEligibility();

        var app = builder.Build();
        await app.InitializeStorageAsync();
        await app.InitializeSecurityAsync();
        await app.SeedDemoDataAsync();
        app.MapKakehashiSecurity();
        app.MapFhir();
        app.MapEligibility();
        app.Map("/bench/engine/{**path}", (HttpContext context, FhirRequestReader reader, FhirDispatcher dispatcher, FhirResponseWriter writer) =>
            DispatchAsync(context, reader, dispatcher, writer, resolve: null));
        app.Map("/bench/token/{**path}", (HttpContext context, FhirRequestReader reader, FhirDispatcher dispatcher, FhirResponseWriter writer, CallerResolver callers) =>
            DispatchAsync(context, reader, dispatcher, writer, callers));
        await app.RunAsync();
        return 0;
    }

    private static async Task DispatchAsync(HttpContext context, FhirRequestReader reader, FhirDispatcher dispatcher, FhirResponseWriter writer, CallerResolver? resolve)
    {
        var format = FhirMediaTypes.ResponseFormat(context.Request);
        var path = context.Request.RouteValues["path"] as string ?? "";
        if (resolve is not null)
        {
            // The caller is resolved (and refused with 401 if invalid) but not handed on: the guard is skipped.
            _ = await resolve.ResolveAsync(context);
        }

        var request = await reader.ReadAsync(context, path, context.RequestAborted);
        var response = await dispatcher.DispatchAsync(request, null, context.RequestAborted);
        await writer.WriteAsync(context, request, response, format);
    }
}
