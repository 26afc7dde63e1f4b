using System.Security.Cryptography.X509Certificates;
using Kakehashi.Platform.Prescriptions;
using Kakehashi.Platform.Prescriptions.Signing;
using Kakehashi.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kakehashi.Server.Tests.Prescriptions;

/// <summary>The tests' HPKI-like authority, trusted by the prescription servers, and the certificates it issued.</summary>
public static class TestHpki
{
    public static readonly HpkiTestAuthority Authority = HpkiTestAuthority.Create(DateTimeOffset.UtcNow.AddDays(-30));

    /// <summary>Another CA, trusted by nobody.</summary>
    public static readonly HpkiTestAuthority Impostor = HpkiTestAuthority.Create(DateTimeOffset.UtcNow.AddDays(-30), "CN=Impostor HPKI CA");

    public static readonly X509Certificate2 Doctor = Authority.Issue("CN=医師 処方太郎", HealthcareQualification.Doctor, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddYears(1));

    public static readonly X509Certificate2 Pharmacist = Authority.Issue("CN=薬剤師 調剤花子", HealthcareQualification.Pharmacist, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddYears(1));

    public static readonly string AnchorFile = WriteAnchor();

    private static string WriteAnchor()
    {
        var path = Path.Combine(Path.GetTempPath(), "kakehashi-test-hpki-" + Guid.NewGuid().ToString("N") + ".pem");
        File.WriteAllText(path, Authority.Root.ExportCertificatePem());
        return path;
    }

    public static byte[] Sign(string bundleJson, X509Certificate2 certificate) =>
        PrescriptionSigner.Sign(System.Text.Encoding.UTF8.GetBytes(bundleJson), certificate, [], DateTimeOffset.UtcNow, "urn:uuid:a871437d-03eb-edfb-9ac7-f3313c54f31a");
}

/// <summary>The prescriptions' clock, which a test moves forward by whole days to cross a window's edge.</summary>
public sealed class ShiftedPrescriptionClock() : PrescriptionClock(TimeProvider.System)
{
    public TimeSpan Shift { get; set; }

    public override DateTimeOffset Now => base.Now + Shift;
}

public sealed class PrescriptionSqliteFixture : SqliteServerFixture
{
    public ShiftedPrescriptionClock Clock { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Kakehashi:Prescriptions:TrustAnchors:0"] = TestHpki.AnchorFile,
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<PrescriptionClock>(Clock);
}

public sealed class PrescriptionPostgresFixture : PostgresServerFixture
{
    public ShiftedPrescriptionClock Clock { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Kakehashi:Prescriptions:TrustAnchors:0"] = TestHpki.AnchorFile,
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<PrescriptionClock>(Clock);
}
