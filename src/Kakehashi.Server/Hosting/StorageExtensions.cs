using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Hosting;
using Kakehashi.Storage.Postgres;
using Kakehashi.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Hosting;

public static class StorageExtensions
{
    /// <summary>Chooses the store from configuration once, at start.</summary>
    public static WebApplicationBuilder AddKakehashiStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SqlDialect>(services =>
        {
            var storage = services.GetRequiredService<IOptions<KakehashiOptions>>().Value.Storage;
            return storage.Provider switch
            {
                StorageProvider.Postgres => new PostgresDialect(storage.ConnectionString!),
                _ => new SqliteDialect(Path.Combine(storage.DataDirectory, "kakehashi.db"), storage.Durable),
            };
        });
        builder.Services.AddSingleton<SqlResourceStore>();
        builder.Services.AddSingleton<CompartmentRefresh>();
        builder.Services.AddSingleton<IResourceStore>(services => services.GetRequiredService<SqlResourceStore>());
        return builder;
    }

    /// <summary>Applies pending schema migrations of the engine and of every module (in the order registered) (and the compartment refreshes they ask for) before the server accepts requests.</summary>
    public static async Task InitializeStorageAsync(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<SqlResourceStore>();
        var applied = await store.MigrateAsync([.. app.Services.GetServices<SchemaModule>()], CancellationToken.None);
        var provider = store.Dialect.Name;
        // Rows whose patient compartment a migration asked to derive again (compartment_refresh): before anything is served.
        var refresh = app.Services.GetRequiredService<CompartmentRefresh>();
        var moved = await refresh.RunAsync(CancellationToken.None);
        app.Logger.LogInformation("Storage {Provider} ready; migrations applied now: {Count}; rows moved to another compartment: {Moved}", provider, applied.Count, moved);
    }
}
