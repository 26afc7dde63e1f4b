using Hl7.Fhir.Model;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <param name="Kind">Which of the six (<see cref="ClinicalItemKind"/>).</param>
/// <param name="Resource">The entry's resource as sent.</param>
/// <param name="Index">The entry's position in the submitted Bundle, for error paths.</param>
public sealed record SubmittedItem(int Index, string Kind, Resource Resource)
{
    public string Path => $"Bundle.entry[{Index}].resource";
}
