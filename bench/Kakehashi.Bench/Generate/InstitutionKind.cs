namespace Kakehashi.Bench.Generate;

public enum InstitutionKind
{
    Hospital,
    Clinic,
    DentalClinic,
    Pharmacy,
}
