using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Tests.Hosting;

/// <summary>A misconfigured server refuses to start and says which setting is wrong.</summary>
public sealed class OptionsValidationTests
{
    private static Exception StartWith(params (string Key, string Value)[] settings)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Kakehashi:SeedDemoData", "false");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        return Assert.ThrowsAny<Exception>(() => factory.CreateClient());
    }

    private static string Messages(Exception exception) =>
        string.Join(" | ", new[] { exception }.Concat(exception is AggregateException a ? a.InnerExceptions : []).Select(e => e.Message));

    [Fact]
    public void Postgres_WithoutConnectionString_FailsNamingTheSetting()
    {
        var error = StartWith(("Kakehashi:Storage:Provider", "Postgres"), ("Kakehashi:Storage:ConnectionString", ""));

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("Kakehashi:Storage:ConnectionString", Messages(error));
    }

    [Fact]
    public void Limits_OutOfRange_FailNamingTheSetting()
    {
        var error = StartWith(("Kakehashi:Storage:DataDirectory", Path.Combine(Path.GetTempPath(), "kakehashi-tests", Guid.NewGuid().ToString("N"))), ("Kakehashi:Limits:MaxJsonDepth", "2"));

        Assert.Contains("MaxJsonDepth", Messages(error));
    }

    [Fact]
    public void UnknownProvider_FailsToBind()
    {
        var error = StartWith(("Kakehashi:Storage:Provider", "Oracle"));

        Assert.Contains("Oracle", Messages(error) + error.InnerException?.Message);
    }
}
