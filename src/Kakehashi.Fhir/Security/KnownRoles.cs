namespace Kakehashi.Fhir.Security;

/// <summary>Job types (職種) and the other roles the access policy is keyed on.</summary>
public static class KnownRoles
{
    public const string Doctor = "doctor";
    public const string Dentist = "dentist";
    public const string Pharmacist = "pharmacist";
    public const string Nurse = "nurse";
    public const string Clerk = "clerk";
    public const string InsurerStaff = "insurer-staff";
    public const string MunicipalStaff = "municipal-staff";
    public const string Researcher = "researcher";
    public const string SecurityAdministrator = "security-admin";

    /// <summary>The patient portal role: own compartment only.</summary>
    public const string Patient = "patient";

    /// <summary>A fully trusted integration system of the operator.</summary>
    public const string System = "system";

    public static readonly IReadOnlyList<string> JobTypes =
        [Doctor, Dentist, Pharmacist, Nurse, Clerk, InsurerStaff, MunicipalStaff, Researcher, SecurityAdministrator];

    public static readonly IReadOnlyList<string> All = [.. JobTypes, Patient, System];
}
