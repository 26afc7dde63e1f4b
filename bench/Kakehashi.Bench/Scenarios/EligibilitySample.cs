using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Kakehashi.Bench.Generate;

namespace Kakehashi.Bench.Scenarios;

/// <summary>An insured person as reception sees them: the insurance card, the birth date, and the card's certificate.</summary>
public sealed record InsuredPerson(string Insurer, string Symbol, string Number, string Branch, string BirthDate, string CertificateBase64);

/// <summary>
/// Insured persons drawn from the synthetic population (the same options as the load), regenerated
/// locally — the generator is deterministic, so no search of the server is needed — with a card
/// certificate for each, issued by a test CA whose name is the generator's issuer and with the
/// generator's serial, so the server's card link finds it.
/// </summary>
public static class EligibilitySample
{
    public static List<InsuredPerson> Draw(GeneratorOptions options, int count, ulong seed)
    {
        options = options with { QualificationsOnly = true };
        var registry = Registry.Create(options);
        var people = new PersonGenerator(options, registry);
        var json = new FhirJson();
        var random = DeterministicRandom.For(seed, "eligibility-sample", 0);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest(new X500DistinguishedName(PersonGenerator.CertificateIssuer), caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(5));
        using var userKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var sample = new List<InsuredPerson>(count);
        var output = new List<GeneratedResource>();
        for (var i = 0; i < count; i++)
        {
            output.Clear();
            var index = (long)(random.NextUInt64() % (ulong)options.People);
            people.Generate(index, json, output);
            var patient = output.Single(r => r.Type == "Patient");
            var coverage = output.Single(r => r.Type == "Coverage");
            using var patientJson = JsonDocument.Parse(patient.Json);
            using var coverageJson = JsonDocument.Parse(coverage.Json);
            string? member = null;
            string? serial = null;
            foreach (var identifier in coverageJson.RootElement.GetProperty("identifier").EnumerateArray())
            {
                var system = identifier.GetProperty("system").GetString();
                if (system == KnownSystems.InsuranceMemberId)
                {
                    member = identifier.GetProperty("value").GetString();
                }
                else if (system == KnownSystems.CardCertificate)
                {
                    serial = identifier.GetProperty("value").GetString();
                }
            }

            var parts = member!.Split(':');
            var request = new CertificateRequest("CN=" + index.ToString(System.Globalization.CultureInfo.InvariantCulture), userKey, HashAlgorithmName.SHA256);
            using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), Convert.FromHexString(serial!));
            sample.Add(new InsuredPerson(parts[0], parts[1], parts[2], parts[3], patientJson.RootElement.GetProperty("birthDate").GetString()!,
                Convert.ToBase64String(certificate.RawData)));
        }

        return sample;
    }
}
