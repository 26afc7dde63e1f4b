namespace Kakehashi.Server.Tests.Support;

/// <summary>A server on a fresh SQLite file in a temporary folder.</summary>
public class SqliteServerFixture : ServerFixture
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "kakehashi-tests", Guid.NewGuid().ToString("N"));

    public override string ProviderName => "Sqlite";

    protected override Task<Dictionary<string, string?>> PrepareStorageAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Kakehashi:Storage:Provider"] = "Sqlite",
        ["Kakehashi:Storage:DataDirectory"] = directory,
        // Tests need no power-loss durability; the SQL and locking are the same either way.
        ["Kakehashi:Storage:Durable"] = "false",
    });

    protected override Task CleanUpStorageAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection; the OS temp cleaner will get it.
        }

        return Task.CompletedTask;
    }
}
