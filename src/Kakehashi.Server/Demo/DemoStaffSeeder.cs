using System.Globalization;
using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Hosting;
using Kakehashi.Platform.Security;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Demo;

/// <summary>
/// Two members of staff of the demo hospital (架け橋デモ病院, the demo bundle's hospital) so that the
/// staff UI can be tried at once: a reception clerk and a doctor. Their random passwords and TOTP
/// secrets go, like the demo client's secret, to an owner-only file in the data directory (never
/// committed); the database keeps only the password hash. Created with the demo client and turned
/// off by the same switch (<c>Kakehashi__Security__DemoClient__Enabled=false</c>).
/// </summary>
public static class DemoStaffSeeder
{
    public const string HospitalCode = "1311234569";
    public const string FileName = "demo-staff.txt";

    private static readonly (string Username, string JobType, string DisplayName)[] Staff =
    [
        ("demo-clerk", KnownRoles.Clerk, "受付 花子"),
        ("demo-doctor", KnownRoles.Doctor, "佐藤 一郎"),
    ];

    public static async Task SeedDemoStaffAsync(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (!security.DemoClient.Enabled || !string.IsNullOrEmpty(security.Authority))
        {
            return;
        }

        var store = app.Services.GetRequiredService<SecurityStore>();
        await store.AddOrganizationAsync(new Organization(HospitalCode, KnownOrganizationKinds.Hospital, "架け橋デモ病院"), CancellationToken.None);
        var created = new List<string>();
        foreach (var (username, jobType, displayName) in Staff)
        {
            if (await store.FindAccountByUsernameAsync(username, CancellationToken.None) is not null)
            {
                continue;
            }

            var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
            var totp = Totp.NewSecret();
            await store.AddAccountAsync(new Account(Guid.NewGuid().ToString("D"), username, HospitalCode, jobType, null, displayName,
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
            "# Demo staff of 架け橋デモ病院 (" + HospitalCode + "): sign in at /ui/. Turn off with Kakehashi__Security__DemoClient__Enabled=false.",
            "# The current verification code: dotnet run --project src/Kakehashi.Server -- demo-code <username>",
            "# username\tpassword\tTOTP secret (base32)\tjob type",
        };
        await File.AppendAllLinesAsync(file, [.. header, .. created]);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        app.Logger.LogWarning("Demo staff accounts created; their passwords and TOTP secrets are in {File}", Path.GetFullPath(file));
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
