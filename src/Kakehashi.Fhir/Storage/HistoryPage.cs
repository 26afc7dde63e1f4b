namespace Kakehashi.Fhir.Storage;

public sealed record HistoryEntry(StoredResource Resource, string Method, long Sequence);

/// <summary>One page of history; <see cref="NextBeforeSequence"/> is null on the last page.</summary>
public sealed record HistoryPage(IReadOnlyList<HistoryEntry> Entries, long? NextBeforeSequence);
