namespace Kakehashi.Fhir.Formats;

public enum FhirFormat
{
    Json,
    Xml,
}
