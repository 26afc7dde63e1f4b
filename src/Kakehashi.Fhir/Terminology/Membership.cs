namespace Kakehashi.Fhir.Terminology;

/// <summary>Whether a code belongs to a value set; <see cref="Unknown"/> when it depends on a code system the server does not hold.</summary>
public enum Membership
{
    No,
    Yes,
    Unknown,
}
