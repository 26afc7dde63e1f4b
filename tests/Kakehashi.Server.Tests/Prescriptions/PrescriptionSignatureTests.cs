using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Errors;
using Kakehashi.Platform.Prescriptions.Signing;
using Kakehashi.Server.Tests.Conformance;

namespace Kakehashi.Server.Tests.Prescriptions;

/// <summary>
/// Signed prescriptions (電子処方箋): a doctor's HPKI-like certificate signs the Bundle's canonical
/// JSON as a detached JWS; the server accepts it only unchanged, from a trusted CA, in validity,
/// not revoked by an uploaded CRL, and from a certificate that states a qualification. Tried as an
/// attacker: an edited dose, a borrowed certificate, an impostor CA, expired and revoked certificates.
/// </summary>
public sealed class PrescriptionSignatureTests : IDisposable
{
    private const string Example = "jp-ePrescriptionData/Bundle-Bundle-for-JP-MedReq-ePreBundleExample01.json";
    private const string Practitioner = "urn:uuid:a871437d-03eb-edfb-9ac7-f3313c54f31a";

    private static readonly DateTimeOffset Now = new(2026, 4, 1, 10, 0, 0, TimeSpan.FromHours(9));
    private static readonly DateTimeOffset SignedAt = Now.AddMinutes(-5);

    private readonly HpkiTestAuthority authority = HpkiTestAuthority.Create(Now);
    private readonly RevocationLists revocationLists;
    private readonly SignatureVerifier verifier;
    private readonly X509Certificate2 doctor;

    public PrescriptionSignatureTests()
    {
        var anchors = new X509Certificate2Collection(authority.TrustAnchor());
        revocationLists = new RevocationLists(anchors);
        verifier = new SignatureVerifier(anchors, revocationLists);
        doctor = authority.Issue("医師 太郎", HealthcareQualification.Doctor, Now.AddDays(-30), Now.AddYears(1));
    }

    public void Dispose()
    {
        doctor.Dispose();
        authority.Dispose();
    }

    [Fact]
    public void ASignedExamplePrescription_Verifies_AndSaysWhoSignedItAsWhat()
    {
        var signed = Sign(doctor);

        var verified = verifier.Verify(signed, Now);

        Assert.Equal(HealthcareQualification.Doctor, verified.Qualification);
        Assert.Contains("CN=医師 太郎", verified.Subject, StringComparison.Ordinal);
        Assert.Equal(doctor.SerialNumber, verified.SerialNumber);
        Assert.Equal(HpkiTestAuthority.DefaultName, verified.Issuer);
        Assert.Equal(doctor.GetCertHashString(HashAlgorithmName.SHA256), verified.Thumbprint);
        Assert.Equal(new DateTimeOffset(doctor.NotAfter.ToUniversalTime(), TimeSpan.Zero), verified.NotAfter);
        Assert.Equal(SignedAt, verified.SignedAt);
        Assert.Equal(Practitioner, verified.Signer);
        Assert.Equal("ES256", verified.Algorithm);
        // No CRL uploaded yet: accepted, but said.
        Assert.Contains(verified.Warnings, w => w.StartsWith("No revocation list of 'CN=Kakehashi HPKI Test Root CA'", StringComparison.Ordinal));
    }

    [Fact]
    public void TheSignature_IsADetachedJwsWithTheChainInX5c()
    {
        var signature = JsonNode.Parse(Sign(doctor))!["signature"]!;
        Assert.Equal("urn:iso-astm:E1762-95:2013", (string?)signature["type"]![0]!["system"]);
        Assert.Equal("1.2.840.10065.1.12.1.1", (string?)signature["type"]![0]!["code"]);
        Assert.Equal("application/jose", (string?)signature["sigFormat"]);

        var parts = Encoding.ASCII.GetString(Convert.FromBase64String((string)signature["data"]!)).Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Empty(parts[1]);
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!;
        Assert.Equal("ES256", (string?)header["alg"]);
        Assert.Equal(Convert.ToBase64String(doctor.RawData), (string?)header["x5c"]![0]);
    }

    [Fact]
    public void Canonicalization_IsIndependentOfPropertyOrderAndWhitespace()
    {
        var a = """{"resourceType":"Bundle","b":{"y":[1,"x"],"x":1.50},"a":"é\n\u0001"}"""u8;
        var b = """
            {
              "a" : "\u00e9\n\u0001",
              "b" : { "x" : 1.50, "y" : [ 1, "x" ] },
              "resourceType" : "Bundle"
            }
            """u8;

        var canonical = PrescriptionCanonicalJson.Canonicalize(a);

        Assert.Equal(canonical, PrescriptionCanonicalJson.Canonicalize(b));
        // JCS escaping (only control characters, lower-case hex), non-ASCII as UTF-8, the decimal's text kept.
        Assert.Equal("""{"a":"é\n\u0001","b":{"x":1.50,"y":[1,"x"]},"resourceType":"Bundle"}""", Encoding.UTF8.GetString(canonical));
    }

    [Fact]
    public void Canonicalization_SortsByUtf16CodeUnits_AndDropsOnlyTheRootSignature()
    {
        // U+1F600 (a surrogate pair, D83D…) sorts before U+FFFD by UTF-16 units, after it by UTF-8 bytes.
        var json = """{"\uFFFD":1,"\uD83D\uDE00":2,"a":3,"Z":4,"signature":{"x":1},"n":{"signature":5}}"""u8;

        var canonical = Encoding.UTF8.GetString(PrescriptionCanonicalJson.Canonicalize(json));

        Assert.Equal("{\"Z\":4,\"a\":3,\"n\":{\"signature\":5},\"\U0001F600\":2,\"\uFFFD\":1}", canonical);
    }

    [Fact]
    public void APropertyGivenTwice_IsRefused()
    {
        var error = Assert.Throws<FhirException>(() => PrescriptionCanonicalJson.Canonicalize("""{"a":1,"a":2}"""u8));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains("'a' is given twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AReformattedAndReorderedSignedPrescription_StillVerifies()
    {
        var original = JsonNode.Parse(Sign(doctor))!.AsObject();
        var reordered = new JsonObject();
        foreach (var (name, value) in original.Reverse())
        {
            reordered[name] = value?.DeepClone();
        }

        var text = Encoding.UTF8.GetBytes(reordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Assert.NotEqual(Sign(doctor).Length, text.Length);

        Assert.Equal(HealthcareQualification.Doctor, verifier.Verify(text, Now).Qualification);
    }

    [Fact]
    public void APrescriptionChangedAfterSigning_IsRefused()
    {
        var signed = Encoding.UTF8.GetString(Sign(doctor));
        const string dose = "\"doseQuantity\":{\"value\":1,";
        Assert.Contains(dose, signed, StringComparison.Ordinal);
        var changed = Encoding.UTF8.GetBytes(ReplaceFirst(signed, dose, "\"doseQuantity\":{\"value\":2,"));

        var error = Assert.Throws<FhirException>(() => verifier.Verify(changed, Now));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("the prescription was changed after it was signed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASignatureByAKeyOtherThanTheCertificates_IsRefused()
    {
        // A trusted doctor's certificate in x5c, the signature made with someone else's key.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bundle = Example1();
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"ES256","x5c":["{{Convert.ToBase64String(doctor.RawData)}}"]}"""));
        var input = header + "." + Base64Url.EncodeToString(PrescriptionCanonicalJson.Canonicalize(bundle));
        var jws = header + ".." + Base64Url.EncodeToString(otherKey.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256));
        var forged = WithData(Sign(doctor), Convert.ToBase64String(Encoding.ASCII.GetBytes(jws)));

        var error = Assert.Throws<FhirException>(() => verifier.Verify(forged, Now));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("not signed with the key of the certificate in x5c", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateFromAnImpostorCaWithTheSameName_IsRefused()
    {
        using var impostor = HpkiTestAuthority.Create(Now);
        using var fake = impostor.Issue("医師 太郎", HealthcareQualification.Doctor, Now.AddDays(-1), Now.AddYears(1));

        var error = Assert.Throws<FhirException>(() => verifier.Verify(Sign(fake), Now));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("does not chain to a trusted HPKI certification authority", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExpiredCertificate_IsRefused_NamingIt()
    {
        using var expired = authority.Issue("医師 期限切れ", HealthcareQualification.Doctor, Now.AddYears(-2), Now.AddDays(-1));

        var error = Assert.Throws<FhirException>(() => verifier.Verify(Sign(expired), Now));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.StartsWith("The signer's certificate 'CN=医師 期限切れ", error.Message, StringComparison.Ordinal);
        Assert.Contains("expired on " + Now.AddDays(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateNotYetValid_IsRefused()
    {
        using var early = authority.Issue("医師 未来", HealthcareQualification.Doctor, Now.AddDays(1), Now.AddYears(1));

        var error = Assert.Throws<FhirException>(() => verifier.Verify(Sign(early), Now));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("'CN=医師 未来", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not valid until", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARevokedCertificate_IsAcceptedBeforeTheCrlIsUploaded_AndRefusedAfter()
    {
        var signed = Sign(doctor);
        Assert.True(revocationLists.Add(authority.CreateRevocationList([], 1, Now.AddDays(-1), Now.AddDays(6))));
        Assert.Empty(verifier.Verify(signed, Now).Warnings);

        Assert.True(revocationLists.Add(authority.CreateRevocationList([doctor.SerialNumber], 2, Now.AddHours(-1), Now.AddDays(7))));
        var error = Assert.Throws<FhirException>(() => verifier.Verify(signed, Now));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains($"(serial {doctor.SerialNumber}) was revoked by 'CN=Kakehashi HPKI Test Root CA'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOlderCrl_NeverReplacesANewerOne_ANewerOneDoes()
    {
        var signed = Sign(doctor);
        Assert.True(revocationLists.Add(authority.CreateRevocationList([doctor.SerialNumber], 5, Now.AddHours(-1), Now.AddDays(7))));

        Assert.False(revocationLists.Add(authority.CreateRevocationList([], 4, Now.AddHours(-2), Now.AddDays(7))));
        Assert.Contains("was revoked", Assert.Throws<FhirException>(() => verifier.Verify(signed, Now)).Message, StringComparison.Ordinal);

        // The CA lifted the suspension (a newer list without the serial).
        Assert.True(revocationLists.Add(authority.CreateRevocationList([], 6, Now.AddMinutes(-1), Now.AddDays(7))));
        Assert.Equal(doctor.SerialNumber, verifier.Verify(signed, Now).SerialNumber);
    }

    [Fact]
    public void AnOutdatedCrl_IsAWarning_NotARefusal()
    {
        revocationLists.Add(authority.CreateRevocationList([], 1, Now.AddDays(-10), Now.AddDays(-3)));

        var verified = verifier.Verify(Sign(doctor), Now);

        var warning = Assert.Single(verified.Warnings);
        Assert.Contains("was due for renewal on", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void ACrlSignedByAnUnknownCa_IsRefused()
    {
        using var impostor = HpkiTestAuthority.Create(Now);

        var error = Assert.Throws<FhirException>(() => revocationLists.Add(impostor.CreateRevocationList([], 9, Now, Now.AddDays(7))));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("is not signed by a known certification authority", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, Assert.Throws<FhirException>(() => revocationLists.Add([1, 2, 3])).Status);
    }

    [Fact]
    public void APharmacistsCertificate_SaysPharmacist()
    {
        using var pharmacist = authority.Issue("薬剤師 花子", HealthcareQualification.Pharmacist, Now.AddDays(-1), Now.AddYears(1));

        Assert.Equal(HealthcareQualification.Pharmacist, verifier.Verify(Sign(pharmacist), Now).Qualification);
    }

    [Fact]
    public void ACertificateWithoutAQualification_IsRefused()
    {
        using var unqualified = authority.Issue("事務 次郎", null, Now.AddDays(-1), Now.AddYears(1));

        var error = Assert.Throws<FhirException>(() => verifier.Verify(Sign(unqualified), Now));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("states no healthcare qualification", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing", "The prescription is not signed: Bundle.signature is missing.")]
    [InlineData("garbage", "Bundle.signature.data is not valid base64.")]
    [InlineData("sigFormat", "Bundle.signature.sigFormat must be 'application/jose'")]
    [InlineData("attached", "The JWS must have a detached payload")]
    [InlineData("noX5c", "The JWS header carries no signer certificate (x5c)")]
    public void AMalformedSignature_IsABadRequest(string defect, string message)
    {
        var bundle = JsonNode.Parse(Sign(doctor))!.AsObject();
        var signature = bundle["signature"]!.AsObject();
        var jws = Encoding.ASCII.GetString(Convert.FromBase64String((string)signature["data"]!)).Split('.');
        switch (defect)
        {
            case "missing": bundle.Remove("signature"); break;
            case "garbage": signature["data"] = "%%% not base64 %%%"; break;
            case "sigFormat": signature["sigFormat"] = "application/pkcs7-signature"; break;
            case "attached": signature["data"] = Base64Of($"{jws[0]}.{Base64Url.EncodeToString("{}"u8)}.{jws[2]}"); break;
            case "noX5c": signature["data"] = Base64Of($"{Base64Url.EncodeToString("""{"alg":"ES256"}"""u8)}..{jws[2]}"); break;
        }

        var error = Assert.Throws<FhirException>(() => verifier.Verify(Encoding.UTF8.GetBytes(bundle.ToJsonString()), Now));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAlgorithmNotAccepted_IsRefused()
    {
        var jws = Encoding.ASCII.GetString(Convert.FromBase64String((string)JsonNode.Parse(Sign(doctor))!["signature"]!["data"]!)).Split('.');
        var none = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"none","x5c":["{{Convert.ToBase64String(doctor.RawData)}}"]}"""));

        var error = Assert.Throws<FhirException>(() => verifier.Verify(WithData(Sign(doctor), Base64Of($"{none}..{jws[2]}")), Now));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("The signature algorithm 'none' is not accepted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheServerTimeStamp_VerifiesForItsPayloadOnly()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var stamps = new ServerTimeStamp(key);
        var canonical = PrescriptionCanonicalJson.Canonicalize(Sign(doctor));

        var token = stamps.Create(canonical, doctor.SerialNumber, Now);

        var claims = stamps.Verify(token, canonical);
        Assert.NotNull(claims);
        Assert.Equal(Now, claims.Time);
        Assert.Equal(doctor.SerialNumber, claims.Serial);
        Assert.Null(stamps.Verify(token, PrescriptionCanonicalJson.Canonicalize("""{"resourceType":"Bundle"}"""u8)));
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Null(new ServerTimeStamp(otherKey).Verify(token, canonical));
    }

    [Fact]
    public void TheTestAuthority_SurvivesPemExport()
    {
        using var imported = HpkiTestAuthority.ImportPem(authority.ExportPem());
        using var issued = imported.Issue("歯科医師 三郎", HealthcareQualification.Dentist, Now.AddDays(-1), Now.AddYears(1));

        Assert.True(imported.Root.HasPrivateKey);
        Assert.Equal(HealthcareQualification.Dentist, verifier.Verify(Sign(issued), Now).Qualification);
    }

    [Fact]
    public void TrustAnchors_LoadPemAndDerFiles()
    {
        using var other = HpkiTestAuthority.Create(Now, "CN=Kakehashi HPKI Test Root CA 2");
        var pem = Path.GetTempFileName();
        var der = Path.GetTempFileName();
        try
        {
            File.WriteAllText(pem, authority.Root.ExportCertificatePem());
            File.WriteAllBytes(der, other.Root.RawData);

            var anchors = TrustAnchors.Load([pem, der]);

            Assert.Equal([authority.Root.Thumbprint, other.Root.Thumbprint], anchors.Select(a => a.Thumbprint));
            Assert.All(anchors, a => Assert.False(a.HasPrivateKey));
        }
        finally
        {
            File.Delete(pem);
            File.Delete(der);
        }
    }

    private static byte[] Example1() => Encoding.UTF8.GetBytes(JpExamples.Text(Example));

    private static byte[] Sign(X509Certificate2 signer) => PrescriptionSigner.Sign(Example1(), signer, [], SignedAt, Practitioner);

    private static string Base64Of(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));

    private static byte[] WithData(byte[] signed, string data)
    {
        var bundle = JsonNode.Parse(signed)!;
        bundle["signature"]!["data"] = data;
        return Encoding.UTF8.GetBytes(bundle.ToJsonString());
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), with, text.AsSpan(at + what.Length));
    }
}
