namespace Kakehashi.Fhir.Interactions;

/// <summary>The <c>Prefer: return=</c> choice.</summary>
public enum ReturnPreference
{
    Representation,
    Minimal,
    OperationOutcome,
}
