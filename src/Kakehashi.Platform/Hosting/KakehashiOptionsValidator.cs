using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Hosting;

/// <summary>Rules that span several settings; checked at start so a bad deployment fails immediately and says why.</summary>
public sealed class KakehashiOptionsValidator : IValidateOptions<KakehashiOptions>
{
    public ValidateOptionsResult Validate(string? name, KakehashiOptions options)
    {
        var failures = new List<string>();
        var limitResults = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options.Limits, new(options.Limits), limitResults, validateAllProperties: true))
        {
            failures.AddRange(limitResults.Select(r => "Kakehashi:Limits: " + r.ErrorMessage));
        }

        if (options.Storage.Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(options.Storage.ConnectionString))
        {
            failures.Add("Kakehashi:Storage:ConnectionString is required when Kakehashi:Storage:Provider is Postgres " +
                         "(e.g. Kakehashi__Storage__ConnectionString=\"Host=localhost;Database=kakehashi;Username=kakehashi\").");
        }

        if (options.Storage.Provider == StorageProvider.Sqlite && string.IsNullOrWhiteSpace(options.Storage.DataDirectory))
        {
            failures.Add("Kakehashi:Storage:DataDirectory must name a folder for the SQLite database.");
        }

        if (options.Limits.DefaultPageSize > options.Limits.MaxPageSize)
        {
            failures.Add("Kakehashi:Limits:DefaultPageSize cannot exceed Kakehashi:Limits:MaxPageSize.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
