using Kakehashi.Server.Audit;
using Kakehashi.Server.Demo;
using Kakehashi.Server.Fhir;
using Kakehashi.Server.Hosting;
using Kakehashi.Server.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddKakehashiOptions();
builder.AddKakehashiStorage();
builder.AddFhirServer();
builder.AddKakehashiSecurity();

var app = builder.Build();
await app.InitializeStorageAsync();
if (args is ["audit", "verify", ..])
{
    // dotnet run --project src/Kakehashi.Server -- audit verify: exit code 0 only for an intact chain.
    return await AuditCommands.VerifyAsync(app);
}

await app.InitializeSecurityAsync();
await app.SeedDemoDataAsync();
app.MapKakehashiSecurity();
app.MapFhir();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so that tests can host the server in-process.</summary>
public partial class Program;
