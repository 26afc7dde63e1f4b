using Kakehashi.Fhir.Bundles;
using Kakehashi.Fhir.Formats;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Terminology;
using Kakehashi.Platform.Hosting;
using Kakehashi.Platform.Security;
using Kakehashi.Server.Conformance;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Fhir;

public static class FhirEndpoints
{
    public const string BasePath = "/fhir";

    public static WebApplicationBuilder AddFhirServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new FhirSerializer(Limits(sp).MaxJsonDepth));
        services.AddSingleton(_ => SearchParameterRegistry.Shared);
        services.AddSingleton<SearchIndexer>();
        services.AddSingleton(sp => new SearchQueryParser(
            sp.GetRequiredService<SearchParameterRegistry>(), sp.GetService<CodeSystemAliases>(), Limits(sp).MaxSearchValues));
        services.AddSingleton<ResourceService>();
        services.AddSingleton<SearchService>();
        services.AddSingleton(sp => new HistoryService(sp.GetRequiredService<IResourceStore>(), Limits(sp).DefaultPageSize, Limits(sp).MaxPageSize));
        services.AddSingleton(sp => new CapabilityStatementBuilder(
            sp.GetRequiredService<SearchParameterRegistry>(),
            sp.GetServices<IFhirOperation>(),
            sp.GetRequiredService<TimeProvider>(),
            typeof(FhirEndpoints).Assembly.GetName().Version?.ToString() ?? "0"));
        services.AddSingleton<BundleRenderer>();
        services.AddSingleton(sp =>
        {
            var dispatcher = ActivatorUtilities.CreateInstance<FhirDispatcher>(sp);
            dispatcher.Bundles = new BundleProcessor(
                dispatcher,
                sp.GetRequiredService<ResourceService>(),
                sp.GetRequiredService<BundleRenderer>(),
                Limits(sp).MaxBundleEntries);
            return dispatcher;
        });
        builder.AddConformance();
        services.AddSingleton<FhirRequestReader>();
        services.AddSingleton<FhirResponseWriter>();
        builder.AddSearchOperations();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // The FHIR endpoint enforces its own (configurable) limit and answers 413 with an OperationOutcome.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        return builder;
    }

    public static WebApplication MapFhir(this WebApplication app)
    {
        app.UseMiddleware<FhirErrorMiddleware>();
        app.MapGet("/.well-known/smart-configuration", SmartConfiguration.Handle);
        app.MapGet(BasePath + "/.well-known/smart-configuration", SmartConfiguration.Handle);
        app.Map(BasePath + "/{**path}", HandleAsync);
        app.Map(BasePath, HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, FhirRequestReader reader, FhirDispatcher dispatcher, FhirResponseWriter writer, CallerResolver callers)
    {
        var format = FhirMediaTypes.ResponseFormat(context.Request);
        var path = context.Request.RouteValues["path"] as string ?? "";
        // Only the CapabilityStatement is public; everything else needs a token, checked before the body is read.
        var caller = HttpMethods.IsGet(context.Request.Method) && path.Trim('/') == "metadata" ? null : await callers.ResolveAsync(context);
        var request = await reader.ReadAsync(context, path, context.RequestAborted);
        var response = await dispatcher.DispatchAsync(request with { Caller = caller }, null, context.RequestAborted);
        await writer.WriteAsync(context, request, response, format);
    }

    private static LimitOptions Limits(IServiceProvider services) =>
        services.GetRequiredService<IOptions<KakehashiOptions>>().Value.Limits;
}
