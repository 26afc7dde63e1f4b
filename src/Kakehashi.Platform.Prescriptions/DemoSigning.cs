using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Endpoints;
using Kakehashi.Platform.Hosting;
using Kakehashi.Platform.Prescriptions.Signing;
using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>
/// Demo mode only: stands in for the HPKI card and its signing software at the prescriber's or
/// pharmacist's desk, so the staff UI can show a signed prescription without a card reader. Signs
/// the posted Bundle with a certificate of the demo HPKI test authority issued to the caller, with
/// the qualification of the caller's job type. Absent (404) unless the demo authority is on.
/// </summary>
public sealed class DemoSigning(IOptions<PrescriptionOptions> options, IOptions<KakehashiOptions> platform, PrescriptionClock clock)
{
    private readonly ConcurrentDictionary<string, X509Certificate2> certificates = new(StringComparer.Ordinal);

    public bool Enabled => options.Value.DemoAuthority || platform.Value.SeedDemoData;

    public byte[] Sign(AccessContext caller, byte[] bundleJson)
    {
        if (!Enabled)
        {
            throw FhirException.NotFound("Demo signing exists only in demo mode; sign with your HPKI card's software.");
        }

        var qualification = caller.Role switch
        {
            KnownRoles.Doctor => HealthcareQualification.Doctor,
            KnownRoles.Dentist => HealthcareQualification.Dentist,
            KnownRoles.Pharmacist => HealthcareQualification.Pharmacist,
            _ => throw FhirException.Forbidden("Demo HPKI certificates are issued to doctors, dentists and pharmacists."),
        };
        var certificate = certificates.GetOrAdd(caller.Subject + "|" + qualification, _ =>
        {
            using var authority = HpkiTestAuthority.LoadOrCreate(PrescriptionsExtensions.DemoAuthorityPath(platform.Value.Storage.DataDirectory), clock.Now);
            return authority.Issue("CN=" + caller.Subject + " (demo)", qualification, clock.Now.AddDays(-1), clock.Now.AddYears(1));
        });
        return PrescriptionSigner.Sign(bundleJson, certificate, [], clock.Now, Signatory(bundleJson, caller));
    }

    /// <summary>Bundle.signature.who: the document's Practitioner entry, else the signing account.</summary>
    private static string Signatory(byte[] bundleJson, AccessContext caller)
    {
        try
        {
            var entries = (System.Text.Json.Nodes.JsonNode.Parse(bundleJson) as System.Text.Json.Nodes.JsonObject)?["entry"] as System.Text.Json.Nodes.JsonArray ?? [];
            var practitioner = entries.FirstOrDefault(e => (string?)e?["resource"]?["resourceType"] == "Practitioner");
            if ((string?)practitioner?["fullUrl"] is { Length: > 0 } fullUrl)
            {
                return fullUrl;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            throw FhirException.BadRequest("The body is not JSON.");
        }

        return "Practitioner/" + caller.Subject;
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/demo-sign", async (HttpContext http, DemoSigning signing, IOptions<KakehashiOptions> limits) =>
        {
            var body = await JsonBodies.ReadBytesAsync(http, limits.Value.Limits.MaxBodyBytes, json: true);
            return Results.Bytes(signing.Sign(http.Caller(), body), "application/fhir+json");
        }).RequireAccess(EndpointAccess.ForRoles("prescription-demo-sign", "E", "sign with a demo HPKI certificate", KnownRoles.Doctor, KnownRoles.Dentist, KnownRoles.Pharmacist));
}
