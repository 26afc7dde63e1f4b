using Kakehashi.Server.Demo;
using Kakehashi.Server.Fhir;
using Kakehashi.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddKakehashiOptions();
builder.AddKakehashiStorage();
builder.AddFhirServer();

var app = builder.Build();
await app.InitializeStorageAsync();
await app.SeedDemoDataAsync();
app.MapFhir();
await app.RunAsync();

/// <summary>Entry point; public so that tests can host the server in-process.</summary>
public partial class Program;
