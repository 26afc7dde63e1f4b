using Hl7.Fhir.Model;

namespace Kakehashi.Platform.Sharing.ClinicalItems;

/// <summary>A clinical-items Bundle read and accepted (<see cref="ClinicalItemsSubmission"/>).</summary>
/// <param name="Items">The items to store, in the Bundle's order.</param>
/// <param name="Notes">
/// Information issues for the sender, each at its element — e.g. a drug code the drug master could
/// check only in part; empty when none. They do not refuse anything.
/// </param>
public sealed record ClinicalItemsReading(IReadOnlyList<SubmittedItem> Items, IReadOnlyList<OperationOutcome.IssueComponent> Notes);
