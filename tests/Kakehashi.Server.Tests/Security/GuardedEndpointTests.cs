using System.Net;
using Kakehashi.Fhir.Errors;
using Kakehashi.Platform.Endpoints;
using Kakehashi.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Kakehashi.Server.Tests.Security;

/// <summary>Closed by default: the JSON endpoints outside FHIR run only behind the filter, and only with a declaration.</summary>
public sealed class GuardedEndpointTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private static readonly string[] GuardedPrefixes = ["/admin", "/me", "/eligibility"];

    [Fact]
    public void EveryEndpointUnderAdminMeAndEligibility_RunsBehindTheFilter_WithADeclaration()
    {
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        foreach (var prefix in GuardedPrefixes)
        {
            var guarded = endpoints.Where(e => ("/" + e.RoutePattern.RawText?.TrimStart('/')).StartsWith(prefix + "/", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(guarded);
            Assert.All(guarded, e =>
            {
                Assert.True(e.Metadata.GetMetadata<GuardedEndpoint>() is not null, e.RoutePattern.RawText + " does not run behind the endpoint filter.");
                Assert.True(e.Metadata.GetMetadata<EndpointAccess>() is not null, e.RoutePattern.RawText + " declares no EndpointAccess.");
            });
        }
    }

    [Fact]
    public async Task AnUndeclaredEndpointInAGuardedGroup_IsRefused_WithoutRunning()
    {
        var ran = false;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (FhirException e)
            {
                http.Response.StatusCode = (int)e.Status;
            }
        });
        var group = app.MapGuardedGroup("/admin");
        group.MapGet("/undeclared", () =>
        {
            ran = true;
            return "secret";
        });
        group.MapGet("/raw", (RequestDelegate)(http =>
        {
            ran = true;
            return http.Response.WriteAsync("secret");
        }));
        await app.StartAsync();
        using var client = app.GetTestClient();

        foreach (var path in new[] { "/admin/undeclared", "/admin/raw" })
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.DoesNotContain("secret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.False(ran);
    }
}
