using System.Text.Json;

namespace Kakehashi.Bench.Generate;

/// <summary>Organization and Practitioner resources of the <see cref="Registry"/>.</summary>
public static class SharedResources
{
    public static IEnumerable<GeneratedResource> All(Registry registry, FhirJson json)
    {
        foreach (var insurer in registry.Insurers)
        {
            yield return Insurer(json, insurer);
        }

        foreach (var institution in registry.Institutions)
        {
            yield return Institution(json, institution);
            foreach (var staff in institution.Staff)
            {
                yield return Practitioner(json, institution, staff);
            }
        }
    }

    public static GeneratedResource Insurer(FhirJson json, Insurer insurer) => json.Resource("Organization", insurer.Id, w =>
    {
        FhirJson.Identifiers(w, KnownSystems.InsurerNumber, insurer.Number);
        w.WriteBoolean("active", true);
        w.WriteStartArray("type");
        w.WriteStartObject();
        w.WriteStartArray("coding");
        FhirJson.Coding(w, KnownSystems.OrganizationType, "pay", "Payer");
        w.WriteEndArray();
        w.WriteString("text", KindLabel(insurer.Kind));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("name", insurer.Name);
        Address(w, insurer.Prefecture.Name + insurer.Prefecture.Cities[insurer.CityIndex], insurer.Prefecture.Name, insurer.Prefecture.Cities[insurer.CityIndex]);
    });

    public static GeneratedResource Institution(FhirJson json, Institution institution) => json.Resource("Organization", institution.Id, w =>
    {
        FhirJson.Identifiers(w, KnownSystems.InstitutionCode, institution.Code);
        w.WriteBoolean("active", true);
        w.WriteStartArray("type");
        w.WriteStartObject();
        w.WriteStartArray("coding");
        FhirJson.Coding(w, KnownSystems.OrganizationType, "prov", "Healthcare Provider");
        w.WriteEndArray();
        w.WriteString("text", institution.Kind switch
        {
            InstitutionKind.Hospital => "病院",
            InstitutionKind.Clinic => "診療所",
            InstitutionKind.DentalClinic => "歯科診療所",
            _ => "薬局",
        });
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("name", institution.Name);
        Address(w, institution.Address, institution.Prefecture.Name, institution.Prefecture.Cities[institution.CityIndex]);
    });

    public static GeneratedResource Practitioner(FhirJson json, Institution institution, StaffMember staff) => json.Resource("Practitioner", staff.Id, w =>
    {
        FhirJson.Identifiers(w, KnownSystems.StaffIdAtInstitutionPrefix + institution.Code, staff.StaffNumber);
        w.WriteBoolean("active", true);
        FhirJson.JapaneseName(w, staff.Family, staff.Given);
        w.WriteString("gender", staff.Female ? "female" : "male");
        w.WriteStartArray("qualification");
        w.WriteStartObject();
        w.WriteStartObject("code");
        w.WriteString("text", staff.Qualification);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    /// <summary>The usual Japanese name of a kind of insurer.</summary>
    public static string KindLabel(InsurerKind kind) => kind switch
    {
        InsurerKind.KyokaiKenpo => "協会けんぽ",
        InsurerKind.HealthInsuranceSociety => "健康保険組合",
        InsurerKind.MutualAid => "共済組合",
        InsurerKind.MunicipalNationalHealthInsurance => "市町村国保",
        InsurerKind.NationalHealthInsuranceSociety => "国民健康保険組合",
        _ => "後期高齢者医療",
    };

    internal static void Address(Utf8JsonWriter w, string text, string state, string city)
    {
        w.WriteStartArray("address");
        w.WriteStartObject();
        w.WriteString("text", text);
        w.WriteString("city", city);
        w.WriteString("state", state);
        w.WriteString("country", "JP");
        w.WriteEndObject();
        w.WriteEndArray();
    }
}
