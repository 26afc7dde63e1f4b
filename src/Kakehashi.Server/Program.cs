using Kakehashi.Platform.Audit;
using Kakehashi.Platform.Consent;
using Kakehashi.Platform.Eligibility;
using Kakehashi.Platform.History;
using Kakehashi.Platform.Hosting;
using Kakehashi.Platform.Prescriptions;
using Kakehashi.Platform.Security;
using Kakehashi.Platform.Sharing;
using Kakehashi.Server.BulkExport;
using Kakehashi.Server.Demo;
using Kakehashi.Server.Fhir;
using Kakehashi.Server.Hosting;
using Kakehashi.Server.Ui;

// appsettings.json ships beside the binary: find it however the server is started
// (dotnet run, or dotnet Kakehashi.Server.dll from any folder). Relative data paths stay
// relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (args is ["demo-code", var demoUser])
{
    // dotnet run --project src/Kakehashi.Server -- demo-code demo-doctor: the demo account's current TOTP code.
    return DemoStaffSeeder.PrintCode(builder.Configuration, demoUser, TimeProvider.System);
}

if (args is ["card-sign", var challenge])
{
    // dotnet run --project src/Kakehashi.Server -- card-sign CHALLENGE: the demo card signs a sign-in challenge.
    return DemoCard.Sign(builder.Configuration[KakehashiOptions.Section + ":Storage:DataDirectory"] ?? "data", challenge);
}

builder.AddKakehashiOptions();
builder.AddKakehashiStorage();
builder.AddFhirServer();
builder.AddKakehashiSecurity();
builder.AddEligibility();
builder.AddKakehashiConsent();
builder.AddHistory();
builder.AddPrescriptions();
builder.AddSharing();
builder.AddBulkExport();
builder.Services.AddSingleton<ILoginHints, DemoLoginHints>();
builder.Services.AddHostedService<DemoPopulationService>();

var app = builder.Build();
await app.InitializeStorageAsync();
if (args is ["audit", "verify", ..])
{
    // dotnet run --project src/Kakehashi.Server -- audit verify: exit code 0 only for an intact chain.
    return await AuditCommands.VerifyAsync(app);
}

await app.InitializeSecurityAsync();
await app.InitializeUiAsync();
await app.SeedDemoDataAsync();
await app.SeedDemoStaffAsync();
await app.SeedDemoSharingAsync();
app.MapKakehashiSecurity();
app.MapFhir();
app.MapEligibility();
app.MapPrescriptions();
app.MapSharing();
app.MapBulkExport();
app.MapUi();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so that tests can host the server in-process.</summary>
public partial class Program;
