using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>
/// Verifies the signature of a prescription or dispensing result (Bundle.signature, a detached
/// JWS over the Bundle's canonical JSON) and says who signed it as what. The checks run in a fixed
/// order and the first failure is the refusal: 400 when the signature is missing or malformed,
/// 422 when it is well-formed but not acceptable. Like the card sign-in (CardSignIn), the chain is
/// built against the configured trust anchors only, offline; revocation is checked here against
/// the CRLs the operator uploaded (<see cref="RevocationLists"/>).
/// </summary>
public sealed class SignatureVerifier(X509Certificate2Collection trustAnchors, RevocationLists revocationLists)
{
    /// <exception cref="FhirException">400 or 422 with a message the prescriber's system can show.</exception>
    public VerifiedSignature Verify(ReadOnlySpan<byte> bundleJson, DateTimeOffset now)
    {
        using var document = PrescriptionCanonicalJson.Parse(bundleJson);
        var signature = BundleSignature.Read(document.RootElement);
        using var jws = JwsSignature.Parse(signature.Jws);

        if (!jws.Verifies(PrescriptionCanonicalJson.Canonicalize(document.RootElement)))
        {
            throw FhirException.Unprocessable(
                "The signature does not match the prescription: the prescription was changed after it was signed, or it was not signed with the key of the certificate in x5c.",
                "Bundle.signature.data");
        }

        using var chain = BuildChain(jws, now);
        var certificates = chain.ChainElements.Select(e => e.Certificate).ToList();
        CheckValidity(certificates, now);
        var warnings = CheckRevocation(certificates, now);
        var leaf = certificates[0];
        var qualification = CheckSigningCertificate(leaf);

        return new VerifiedSignature(
            leaf.Subject,
            qualification,
            leaf.SerialNumber,
            leaf.Issuer,
            new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            RevocationLists.Thumbprint(leaf),
            signature.When,
            signature.Who,
            jws.Algorithm,
            warnings);
    }

    private X509Chain BuildChain(JwsSignature jws, DateTimeOffset now)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trustAnchors);
        chain.ChainPolicy.ExtraStore.AddRange(jws.Certificates.Skip(1).ToArray());
        // No network: the CAs' repositories are not reachable, and revocation is checked below against uploaded CRLs.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        // Validity is checked next, certificate by certificate, so the refusal can name the one that expired.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreNotTimeNested;
        if (!chain.Build(jws.Leaf))
        {
            var reasons = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            chain.Dispose();
            throw FhirException.Unprocessable(
                $"The signer's certificate '{jws.Leaf.Subject}' (issued by '{jws.Leaf.Issuer}') does not chain to a trusted HPKI certification authority" + (reasons.Length > 0 ? $" ({reasons})." : "."),
                "Bundle.signature.data");
        }

        return chain;
    }

    private static void CheckValidity(List<X509Certificate2> certificates, DateTimeOffset now)
    {
        for (var i = 0; i < certificates.Count; i++)
        {
            var certificate = certificates[i];
            var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            if (now > notAfter)
            {
                throw FhirException.Unprocessable($"{Describe(certificate, i)} expired on {Format(notAfter)}.", "Bundle.signature.data");
            }

            if (now < notBefore)
            {
                throw FhirException.Unprocessable($"{Describe(certificate, i)} is not valid until {Format(notBefore)}.", "Bundle.signature.data");
            }
        }
    }

    private List<string> CheckRevocation(List<X509Certificate2> certificates, DateTimeOffset now)
    {
        var warnings = new List<string>();

        // Each certificate but the trust anchor, against the list of the CA above it.
        for (var i = 0; i < certificates.Count - 1; i++)
        {
            var certificate = certificates[i];
            var issuer = certificates[i + 1];
            var check = revocationLists.Check(certificate, issuer, now);
            switch (check.State)
            {
                case RevocationState.Revoked:
                    throw FhirException.Unprocessable(
                        $"{Describe(certificate, i)} (serial {certificate.SerialNumber}) was revoked by '{issuer.Subject}' on {Format(check.RevokedAt!.Value)}.",
                        "Bundle.signature.data");

                // Missing or outdated lists are warnings, not refusals: the lists come from the operator,
                // not from the CA on demand, and an upload that is late must not stop every patient from
                // receiving medicine. An outdated list still names every revocation the CA had published.
                case RevocationState.NoList:
                    warnings.Add($"No revocation list of '{issuer.Subject}' has been uploaded: '{certificate.Subject}' was not checked for revocation.");
                    break;
                case RevocationState.Outdated:
                    warnings.Add($"The revocation list of '{issuer.Subject}' was due for renewal on {Format(check.NextUpdate!.Value)}: '{certificate.Subject}' was checked against an outdated list.");
                    break;
            }
        }

        return warnings;
    }

    private static HealthcareQualification CheckSigningCertificate(X509Certificate2 leaf)
    {
        if (leaf.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority))
        {
            throw FhirException.Unprocessable($"The certificate '{leaf.Subject}' is a certification authority's, not a signer's.", "Bundle.signature.data");
        }

        var usage = leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (usage is not null && (usage.KeyUsages & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)) == 0)
        {
            throw FhirException.Unprocessable($"The certificate '{leaf.Subject}' may not sign documents (its key usage has neither digitalSignature nor nonRepudiation).", "Bundle.signature.data");
        }

        try
        {
            return HealthcareQualificationExtension.Read(leaf)
                ?? throw FhirException.Unprocessable(
                    $"The signer's certificate '{leaf.Subject}' states no healthcare qualification (HPKI hcRole, extension {HealthcareQualificationExtension.Oid}): it is not an HPKI signing certificate.",
                    "Bundle.signature.data");
        }
        catch (CryptographicException error)
        {
            throw FhirException.Unprocessable($"The signer's certificate '{leaf.Subject}' states no usable healthcare qualification: {error.Message}", "Bundle.signature.data");
        }
    }

    private static string Describe(X509Certificate2 certificate, int position) => position == 0
        ? $"The signer's certificate '{certificate.Subject}'"
        : $"The certificate of the certification authority '{certificate.Subject}'";

    private static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
