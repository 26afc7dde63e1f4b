using Kakehashi.Fhir.Security;
using Kakehashi.Platform.Security;
using Microsoft.Extensions.Options;

namespace Kakehashi.Server.Demo;

/// <summary>
/// On the sign-in page, in demo mode only (the demo accounts exist), the demo accounts and where
/// their passwords and codes are: never the secrets themselves, which stay in the data directory.
/// </summary>
public sealed class DemoLoginHints(IOptions<SecurityOptions> options) : ILoginHints
{
    private static readonly Dictionary<string, (string Ja, string En)> JobTypes = new(StringComparer.Ordinal)
    {
        [KnownRoles.Clerk] = ("事務（受付）", "reception clerk"),
        [KnownRoles.Doctor] = ("医師", "doctor"),
        [KnownRoles.Nurse] = ("看護師", "nurse"),
        [KnownRoles.SecurityAdministrator] = ("セキュリティ管理者", "security administrator"),
        [KnownRoles.Dentist] = ("歯科医師", "dentist"),
        [KnownRoles.Pharmacist] = ("薬剤師", "pharmacist"),
        [KnownRoles.InsurerStaff] = ("保険者職員", "insurer staff"),
        [KnownRoles.MunicipalStaff] = ("自治体職員", "municipal staff"),
        [KnownRoles.Researcher] = ("研究者", "researcher"),
        [KnownRoles.Patient] = ("患者本人（/portal/）", "patient (/portal/)"),
    };

    public IReadOnlyList<string> Lines(bool english)
    {
        var security = options.Value;
        if (!security.DemoClient.Enabled || !string.IsNullOrEmpty(security.Authority))
        {
            return [];
        }

        var accounts = DemoStaffSeeder.Accounts.Select(a =>
        {
            var (ja, en) = JobTypes.GetValueOrDefault(a.JobType, (a.JobType, a.JobType));
            return english ? $"{a.Username} — {en}" : $"{a.Username}（{ja}）";
        });
        return
        [
            .. accounts,
            english ? "Passwords: src/Kakehashi.Server/data/security/demo-staff.txt" : "パスワード：src/Kakehashi.Server/data/security/demo-staff.txt",
            english ? "Code: dotnet run --project src/Kakehashi.Server -- demo-code <username>" : "確認コード：dotnet run --project src/Kakehashi.Server -- demo-code <ユーザー名>",
        ];
    }
}
