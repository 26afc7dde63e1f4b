using System.Security.Cryptography;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Operations.Search;
using Kakehashi.Fhir.Search;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Terminology;
using Kakehashi.Platform.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Fhir;

/// <summary>Search services beyond the basic interaction: signed paging cursors, value-set filters, $everything.</summary>
public static class SearchOperationsExtensions
{
    public const string CursorKeySetting = "Kakehashi:Search:CursorKey";

    /// <summary>Where the generated cursor key is kept, inside the data directory (never in the repository).</summary>
    public const string CursorKeyFile = "search-cursor.key";

    public static WebApplicationBuilder AddSearchOperations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<CodeSystemAliases>();
        services.AddSingleton(sp => new SearchCursor(CursorKey(
            sp.GetRequiredService<IConfiguration>()[CursorKeySetting],
            sp.GetRequiredService<IOptions<KakehashiOptions>>().Value.Storage.DataDirectory)));
        services.AddSingleton<ValueSetConditionResolver>();
        services.AddSingleton<IFhirOperation, PatientEverythingOperation>();

        // One registry per server (replacing the process-wide default registered before): the R4
        // parameters, JP Core's, and those created at run time, which must not leak between hosts.
        services.AddSingleton(sp =>
        {
            var registry = new SearchParameterRegistry();
            PackageSearchParameters.Register(registry, PackagesFolder(sp.GetRequiredService<IHostEnvironment>()));
            return registry;
        });
        services.AddSingleton<SearchParameterWriteInterceptor>();
        services.AddSingleton<IResourceWriteInterceptor>(sp => sp.GetRequiredService<SearchParameterWriteInterceptor>());
        services.AddSingleton<IResourceWriteObserver>(sp => sp.GetRequiredService<SearchParameterWriteInterceptor>());
        services.AddSingleton<StoredSearchParameters>();
        services.AddSingleton<ReindexJobs>();
        services.AddSingleton<IFhirOperation, ReindexOperation>();
        services.AddSingleton<IFhirOperation, ReindexStatusOperation>();
        services.AddHostedService<SearchStartup>();
        return builder;
    }

    /// <summary>The FHIR packages folder: beside the project when run from source, else beside the binaries.</summary>
    internal static string PackagesFolder(IHostEnvironment environment)
    {
        string[] candidates = [Path.Combine(environment.ContentRootPath, "packages"), Path.Combine(AppContext.BaseDirectory, "packages")];
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, PackageSearchParameters.Packages[0]))) ?? candidates[0];
    }

    /// <summary>
    /// The configured key, or the one generated into the data directory at first start, so that
    /// cursors survive a restart. Servers sharing a database behind a load balancer must share
    /// the key: set <c>Kakehashi__Search__CursorKey</c> (base64 of 32 random bytes) on each.
    /// </summary>
    internal static byte[] CursorKey(string? configured, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return SearchCursor.KeyFromText(configured);
        }

        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, CursorKeyFile);
        if (File.Exists(path))
        {
            return SearchCursor.KeyFromText(File.ReadAllText(path).Trim());
        }

        var key = RandomNumberGenerator.GetBytes(32);
        var temporary = path + "." + Guid.NewGuid().ToString("N");
        File.WriteAllText(temporary, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            // Two servers starting at once on one data directory must end with one key.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temporary);
        }

        return SearchCursor.KeyFromText(File.ReadAllText(path).Trim());
    }
}
