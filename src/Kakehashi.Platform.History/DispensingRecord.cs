using Hl7.Fhir.Model;

namespace Kakehashi.Platform.History;

/// <summary>A stored MedicationDispense with what de-duplication compares: who dispensed, on which day (Japan time), which drug codes.</summary>
public sealed record DispensingRecord(MedicationDispense Resource, string? InstitutionCode, DateOnly? Day, IReadOnlyList<Coding> Codings);
