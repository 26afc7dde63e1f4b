using System.ComponentModel.DataAnnotations;

namespace Kakehashi.Platform.Hosting;

/// <summary>The <c>Kakehashi</c> configuration section (appsettings.json, or <c>Kakehashi__…</c> environment variables).</summary>
public sealed class KakehashiOptions
{
    public const string Section = "Kakehashi";

    [Required]
    public StorageOptions Storage { get; set; } = new();

    [Required]
    public LimitOptions Limits { get; set; } = new();

    /// <summary>The FHIR base URL clients see (behind a proxy); null derives it from each request.</summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>Loads a few demo patients into an empty store at start.</summary>
    public bool SeedDemoData { get; set; }

    /// <summary>Loads the demo population (200 synthetic people over three years) into a store that does not hold it yet; only with <see cref="SeedDemoData"/>.</summary>
    public bool SeedDemoPopulation { get; set; }
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

public sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Npgsql connection string; required for Postgres.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where the SQLite database file lives.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>SQLite: sync the WAL at every commit, so a committed write survives power loss.</summary>
    public bool Durable { get; set; } = true;
}

public sealed class LimitOptions
{
    [Range(1024, 1L << 31)]
    public long MaxBodyBytes { get; set; } = 64L * 1024 * 1024;

    [Range(8, 512)]
    public int MaxJsonDepth { get; set; } = 64;

    [Range(1, 1_000_000)]
    public int MaxBundleEntries { get; set; } = 20_000;

    [Range(1, 10_000)]
    public int DefaultPageSize { get; set; } = 20;

    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>The most values one search may carry, all parameters together (docs/search.md); more is a 400.</summary>
    [Range(1, 10_000)]
    public int MaxSearchValues { get; set; } = Kakehashi.Fhir.Search.SearchQuery.DefaultMaxValues;
}
