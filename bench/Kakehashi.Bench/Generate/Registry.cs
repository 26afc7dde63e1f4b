using System.Globalization;
namespace Kakehashi.Bench.Generate;

/// <summary>
/// The organizations and staff shared by all people: insurers of every kind in every prefecture,
/// and hospitals, clinics, dental clinics and pharmacies in proportion to where people live
/// (about one hospital per 15,000 people, clinic per 1,200, dental clinic per 1,800 and pharmacy
/// per 2,000, as in Japan), with at least one of each kind per prefecture.
/// </summary>
public sealed class Registry
{
    private static readonly string[] Companies = ["架け橋電機", "さくら製作所", "みなと商事", "あおば建設", "ひかり食品", "つばさ運輸", "やまと化学", "はやぶさ精機", "いずみ銀行", "かえで百貨店"];
    private static readonly string[] HospitalSuffixes = ["中央病院", "記念病院", "総合病院", "市民病院", "協立病院"];

    private readonly List<Insurer> insurers = [];
    private readonly List<Institution> institutions = [];
    private readonly Dictionary<(int Prefecture, InstitutionKind Kind), List<Institution>> byPrefecture = [];
    private readonly Dictionary<(int Prefecture, InsurerKind Kind), List<Insurer>> insurersByPrefecture = [];
    private readonly Dictionary<(int Prefecture, int FeeTable), int> issued = [];

    private Registry(GeneratorOptions options)
    {
        var prefix = options.Prefix;
        foreach (var prefecture in Prefectures.All)
        {
            var random = DeterministicRandom.For(options.Seed, "registry", prefecture.Code);
            var expectedPeople = options.People * prefecture.Population / Prefectures.TotalPopulation;
            AddInsurers(prefix, prefecture, expectedPeople);
            AddInstitutions(prefix, prefecture, random, InstitutionKind.Hospital, Math.Max(1, (int)Math.Round(expectedPeople / 15000)));
            AddInstitutions(prefix, prefecture, random, InstitutionKind.Clinic, Math.Max(2, (int)Math.Round(expectedPeople / 1200)));
            AddInstitutions(prefix, prefecture, random, InstitutionKind.DentalClinic, Math.Max(1, (int)Math.Round(expectedPeople / 1800)));
            AddInstitutions(prefix, prefecture, random, InstitutionKind.Pharmacy, Math.Max(1, (int)Math.Round(expectedPeople / 2000)));
        }
    }

    public IReadOnlyList<Insurer> Insurers => insurers;

    public IReadOnlyList<Institution> Institutions => institutions;

    public static Registry Create(GeneratorOptions options) => new(options);

    public IReadOnlyList<Institution> InstitutionsIn(int prefecture, InstitutionKind kind) => byPrefecture[(prefecture, kind)];

    public IReadOnlyList<Insurer> InsurersIn(int prefecture, InsurerKind kind) => insurersByPrefecture[(prefecture, kind)];

    private void AddInsurer(string prefix, Prefecture prefecture, InsurerKind kind, string number, string name, int cityIndex = 0)
    {
        var insurer = new Insurer($"{prefix}-ins{number}", number, kind, name, prefecture, cityIndex);
        insurers.Add(insurer);
        if (!insurersByPrefecture.TryGetValue((prefecture.Code, kind), out var list))
        {
            insurersByPrefecture[(prefecture.Code, kind)] = list = [];
        }

        list.Add(insurer);
    }

    private void AddInsurers(string prefix, Prefecture prefecture, double expectedPeople)
    {
        var code = prefecture.Code;
        var name = prefecture.Name;
        var shortName = name.Length > 2 && name[^1] is '県' or '府' or '都' ? name[..^1] : name;
        AddInsurer(prefix, prefecture, InsurerKind.KyokaiKenpo, CheckDigits.InsurerNumber(1, code, 1), $"全国健康保険協会{shortName}支部");

        var societies = Math.Clamp((int)Math.Round(expectedPeople / 20000), 1, 60);
        for (var k = 0; k < societies; k++)
        {
            var company = Companies[(code + k) % Companies.Length] + (k >= Companies.Length ? (k / Companies.Length + 1).ToString(CultureInfo.InvariantCulture) : "");
            AddInsurer(prefix, prefecture, InsurerKind.HealthInsuranceSociety, CheckDigits.InsurerNumber(6, code, 101 + k * 7), $"{company}健康保険組合");
        }

        AddInsurer(prefix, prefecture, InsurerKind.MutualAid, CheckDigits.InsurerNumber(32, code, 1), $"地方職員共済組合{shortName}支部");
        AddInsurer(prefix, prefecture, InsurerKind.MutualAid, CheckDigits.InsurerNumber(33, code, 1), $"{shortName}警察職員共済組合");
        AddInsurer(prefix, prefecture, InsurerKind.MutualAid, CheckDigits.InsurerNumber(34, code, 1), $"公立学校共済組合{shortName}支部");
        if (code == 13)
        {
            AddInsurer(prefix, prefecture, InsurerKind.MutualAid, CheckDigits.InsurerNumber(31, code, 11), "国家公務員共済組合");
        }

        for (var city = 0; city < prefecture.Cities.Count; city++)
        {
            AddInsurer(prefix, prefecture, InsurerKind.MunicipalNationalHealthInsurance, CheckDigits.NationalHealthInsuranceNumber(code, 101 + city), $"{prefecture.Cities[city]}国民健康保険", city);
            AddInsurer(prefix, prefecture, InsurerKind.LateStageElderly, CheckDigits.InsurerNumber(39, code, 101 + city), $"{name}後期高齢者医療広域連合（{prefecture.Cities[city]}）", city);
        }

        AddInsurer(prefix, prefecture, InsurerKind.NationalHealthInsuranceSociety, CheckDigits.NationalHealthInsuranceNumber(code, 301), $"{shortName}医師国民健康保険組合");
    }

    private void AddInstitutions(string prefix, Prefecture prefecture, DeterministicRandom random, InstitutionKind kind, int count)
    {
        var list = new List<Institution>(count);
        byPrefecture[(prefecture.Code, kind)] = list;
        var feeTable = kind switch
        {
            InstitutionKind.DentalClinic => 3,
            InstitutionKind.Pharmacy => 4,
            _ => 1,
        };

        for (var k = 0; k < count; k++)
        {
            var cityIndex = random.Next(prefecture.Cities.Count);
            var city = prefecture.Cities[cityIndex];
            var cityStem = city.Length > 2 && city[^1] is '市' or '区' ? city[..^1] : city;
            var town = random.Pick(Prefectures.Towns);
            var surname = random.Pick(JapaneseNames.Family).Kanji;
            // Hospitals and clinics share fee table 1: number them from one sequence per prefecture and
            // table. 37 is coprime to 10,000, so (n * 37 + 101) mod 10,000 does not repeat before 10,000.
            var n = issued.GetValueOrDefault((prefecture.Code, feeTable));
            issued[(prefecture.Code, feeTable)] = n + 1;
            var code = CheckDigits.InstitutionCode(prefecture.Code, feeTable, cityIndex + 1, (n * 37 + 101) % 10000);
            var name = kind switch
            {
                InstitutionKind.Hospital => cityStem + HospitalSuffixes[k % HospitalSuffixes.Length],
                InstitutionKind.Clinic => random.Pick<string>([$"{surname}内科クリニック", $"{surname}医院", $"{town}ファミリークリニック", $"{surname}小児科医院"]),
                InstitutionKind.DentalClinic => random.Pick<string>([$"{surname}歯科医院", $"{town}歯科クリニック"]),
                _ => random.Pick<string>([$"{town}薬局", $"{surname}調剤薬局", $"あおば薬局{town}店"]),
            };
            var (staffCount, qualification, letter) = kind switch
            {
                InstitutionKind.Hospital => (6, "医師", 'D'),
                InstitutionKind.Clinic => (1, "医師", 'D'),
                InstitutionKind.DentalClinic => (1, "歯科医師", 'D'),
                _ => (2, "薬剤師", 'P'),
            };
            var id = $"{prefix}-org{code}";
            var staff = new List<StaffMember>(staffCount);
            for (var s = 0; s < staffCount; s++)
            {
                var female = random.Chance(0.3);
                var given = JapaneseNames.Given(random, female, 1950 + random.Next(45));
                staff.Add(new StaffMember($"{prefix}-pr{code}-{s + 1}", random.Pick(JapaneseNames.Family), given, female, $"{letter}{s + 1:0000}", qualification));
            }

            var address = $"{prefecture.Name}{city}{town}{random.Next(1, 6)}丁目{random.Next(1, 30)}-{random.Next(1, 20)}";
            var institution = new Institution(id, code, kind, name, prefecture, cityIndex, address, staff);
            list.Add(institution);
            institutions.Add(institution);
        }
    }
}
