using Kakehashi.Fhir.Security;

namespace Kakehashi.Platform.Security;

/// <summary>Kinds of organization, and which job types each may employ.</summary>
public static class KnownOrganizationKinds
{
    public const string Hospital = "hospital";
    public const string Clinic = "clinic";
    public const string DentalClinic = "dental-clinic";
    public const string Pharmacy = "pharmacy";
    public const string Insurer = "insurer";
    public const string Municipality = "municipality";
    public const string ResearchBody = "research-body";
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> All = [Hospital, Clinic, DentalClinic, Pharmacy, Insurer, Municipality, ResearchBody, Operator];

    /// <summary>Medical institutions and pharmacies carry an institution code; the others an insurer-style number.</summary>
    public static bool UsesInstitutionCode(string kind) => kind is Hospital or Clinic or DentalClinic or Pharmacy;

    /// <summary>
    /// Insurers read patient data only through a standing relationship (their insured persons),
    /// which a service contributes as an <see cref="IRelationshipRule"/>; without one they read none.
    /// </summary>
    public static bool ReadsThroughRelationship(string kind) => kind is Insurer;

    public static bool Employs(string kind, string jobType) => jobType switch
    {
        KnownRoles.SecurityAdministrator => true,
        KnownRoles.Doctor or KnownRoles.Nurse => kind is Hospital or Clinic,
        KnownRoles.Dentist => kind is Hospital or DentalClinic,
        KnownRoles.Pharmacist => kind is Hospital or Pharmacy,
        KnownRoles.Clerk => kind is Hospital or Clinic or DentalClinic or Pharmacy,
        KnownRoles.InsurerStaff => kind is Insurer,
        KnownRoles.MunicipalStaff => kind is Municipality,
        KnownRoles.Researcher => kind is ResearchBody,
        KnownRoles.System => kind is Operator,
        KnownRoles.Patient => kind is Operator,
        _ => false,
    };

    /// <summary>The code is a valid identifier for an organization of this kind.</summary>
    public static bool IsValidCode(string kind, string code) => UsesInstitutionCode(kind)
        ? InstitutionCodes.IsValidInstitutionCode(code)
        : InstitutionCodes.IsValidInsurerNumber(code) || (kind is ResearchBody or Operator && InstitutionCodes.IsValidInstitutionCode(code));
}
