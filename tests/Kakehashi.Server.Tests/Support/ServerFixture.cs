using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Kakehashi.Server.Tests.Support;

/// <summary>
/// One in-process Kakehashi server on a real database, shared by the tests of a class. Each
/// test creates its own data (unique identifiers), so tests never depend on each other.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? factory;

    public abstract string ProviderName { get; }

    public HttpClient Client { get; private set; } = null!;

    public static string BaseUrl => "http://localhost/fhir";

    public IServiceProvider Services => factory!.Services;

    protected abstract Task<Dictionary<string, string?>> PrepareStorageAsync();

    protected virtual Task CleanUpStorageAsync() => Task.CompletedTask;

    public virtual async Task InitializeAsync()
    {
        var settings = await PrepareStorageAsync();
        settings["Kakehashi:SeedDemoData"] = "false";
        settings["Kakehashi:Limits:MaxBodyBytes"] = "8388608";
        settings["Kakehashi:Limits:MaxJsonDepth"] = "40";
        settings["Kakehashi:Limits:MaxBundleEntries"] = "5000";
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        Client = CreateClient();
    }

    public HttpClient CreateClient()
    {
        var client = factory!.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost/fhir/") });
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }

    public HttpMessageHandler CreateHandler() => factory!.Server.CreateHandler();

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await CleanUpStorageAsync();
    }
}
