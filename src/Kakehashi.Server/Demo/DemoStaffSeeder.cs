using System.Globalization;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Hosting;
using Kakehashi.Platform.Security;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Demo;

/// <summary>
/// A demo account of every job type, so that every screen can be tried at once: reception, a
/// doctor, a nurse and a security administrator of the demo hospital (架け橋デモ病院), a dentist
/// and a pharmacist of a demo dental clinic and pharmacy, staff of the insurer and of the city of
/// the demo population's patient 新井 修, a researcher, and that patient himself for the portal.
/// Their random passwords and TOTP secrets go, like the demo client's secret, to an owner-only file
/// in the data directory (never committed); the database keeps only the password hash. Created with
/// the demo client and turned off by the same switch (<c>Kakehashi__Security__DemoClient__Enabled=false</c>).
/// </summary>
public static class DemoStaffSeeder
{
    public const string HospitalCode = "1311234569";
    public const string FileName = "demo-staff.txt";

    public const string DentalClinicCode = "1313123455";

    /// <summary>架け橋デモクリニック: the sender of the demo referral letter (no accounts).</summary>
    public const string ClinicCode = "1317654323";

    public const string PharmacyCode = "1314123454";

    /// <summary>The demo population's 協会けんぽ 兵庫支部, insurer of the demo patient.</summary>
    public const string InsurerCode = "01280015";

    /// <summary>The demo population's patient with the richest record (labs, dispensings over three years).</summary>
    public static readonly string PatientId = DemoPopulationSeeder.PatientId(5);

    private static readonly Organization[] Organizations =
    [
        new(HospitalCode, KnownOrganizationKinds.Hospital, "架け橋デモ病院"),
        new(DentalClinicCode, KnownOrganizationKinds.DentalClinic, "架け橋デモ歯科"),
        new(ClinicCode, KnownOrganizationKinds.Clinic, "架け橋デモクリニック"),
        new(PharmacyCode, KnownOrganizationKinds.Pharmacy, "架け橋デモ薬局"),
        new(InsurerCode, KnownOrganizationKinds.Insurer, "全国健康保険協会兵庫支部"),
        new("131011", KnownOrganizationKinds.Municipality, "架け橋デモ市"),
        new("99130015", KnownOrganizationKinds.ResearchBody, "架け橋デモ研究機関"),
    ];

    private static readonly (string Username, string JobType, string DisplayName, string? Organization)[] Staff =
    [
        ("demo-clerk", KnownRoles.Clerk, "受付 花子", HospitalCode),
        ("demo-doctor", KnownRoles.Doctor, "佐藤 一郎", HospitalCode),
        ("demo-nurse", KnownRoles.Nurse, "看護 由美", HospitalCode),
        ("demo-admin", KnownRoles.SecurityAdministrator, "管理 聡", HospitalCode),
        ("demo-dentist", KnownRoles.Dentist, "歯科 健", DentalClinicCode),
        ("demo-pharmacist", KnownRoles.Pharmacist, "薬局 恵", PharmacyCode),
        ("demo-insurer", KnownRoles.InsurerStaff, "保険 太郎", InsurerCode),
        ("demo-municipal", KnownRoles.MunicipalStaff, "市役 次郎", "131011"),
        ("demo-researcher", KnownRoles.Researcher, "研究 三郎", "99130015"),
        ("demo-patient", KnownRoles.Patient, "新井 修", null),
    ];

    /// <summary>The demo accounts as the sign-in page lists them (demo mode only).</summary>
    public static IEnumerable<(string Username, string JobType)> Accounts => Staff.Select(s => (s.Username, s.JobType));

    public static async Task SeedDemoStaffAsync(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (!security.DemoClient.Enabled || !string.IsNullOrEmpty(security.Authority))
        {
            return;
        }

        var dataDirectory = app.Services.GetRequiredService<IOptions<KakehashiOptions>>().Value.Storage.DataDirectory;
        DemoCard.Ensure(dataDirectory, app.Services.GetRequiredService<CardTrust>(), app.Services.GetRequiredService<TimeProvider>());
        var store = app.Services.GetRequiredService<SecurityStore>();
        foreach (var organization in Organizations)
        {
            await store.AddOrganizationAsync(organization, CancellationToken.None);
        }

        // Patients belong to the operator (KnownOrganizationKinds: a patient's account is the operator's).
        var operatorCode = security.Organizations.First(o => o.Kind == KnownOrganizationKinds.Operator).Code;
        var created = new List<string>();
        foreach (var (username, jobType, displayName, organization) in Staff)
        {
            if (await store.FindAccountByUsernameAsync(username, CancellationToken.None) is not null)
            {
                continue;
            }

            var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
            var totp = Totp.NewSecret();
            var patient = jobType == KnownRoles.Patient ? PatientId : null;
            await store.AddAccountAsync(new Account(Guid.NewGuid().ToString("D"), username, organization ?? operatorCode, jobType, patient, displayName,
                PasswordHasher.Hash(password, security.PasswordIterations), totp, 0, null, store.Now, null, null, null), CancellationToken.None);
            created.Add(string.Join('\t', username, password, totp, jobType));
        }

        if (created.Count == 0)
        {
            return;
        }

        var file = StaffFile(app.Services.GetRequiredService<IOptions<KakehashiOptions>>().Value.Storage.DataDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var header = File.Exists(file) ? [] : new[]
        {
            "# Demo accounts of every job type: staff sign in at /ui/, demo-patient at /portal/. Turn off with Kakehashi__Security__DemoClient__Enabled=false.",
            "# The current verification code: dotnet run --project src/Kakehashi.Server -- demo-code <username>",
            "# username\tpassword\tTOTP secret (base32)\tjob type",
        };
        await File.AppendAllLinesAsync(file, [.. header, .. created]);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        app.Logger.LogWarning("Demo accounts created; their passwords and TOTP secrets are in {File}", Path.GetFullPath(file));
    }

    /// <summary><c>-- demo-code USERNAME</c>: prints the demo account's current TOTP code (exit code 1 if unknown).</summary>
    public static int PrintCode(IConfiguration configuration, string username, TimeProvider time)
    {
        var file = StaffFile(configuration[KakehashiOptions.Section + ":Storage:DataDirectory"] ?? "data");
        var line = File.Exists(file)
            ? File.ReadLines(file).Select(l => l.Split('\t')).FirstOrDefault(parts => parts.Length >= 3 && parts[0] == username)
            : null;
        if (line is null)
        {
            Console.Error.WriteLine($"No demo account '{username}' in {Path.GetFullPath(file)} (start the server once first).");
            return 1;
        }

        Console.WriteLine(Totp.Code(line[2], time.GetUtcNow()).ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static string StaffFile(string dataDirectory) => Path.Combine(dataDirectory, "security", FileName);
}
