namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>
/// The supplement's 併用禁忌 pairs in a dictionary keyed by the unordered pair of keys, so that a
/// pair of products costs at most four lookups (name×name, name×code, code×name, code×code) and a
/// check of n new drugs against m current ones n×m times that, with no scan of the list.
/// </summary>
internal sealed class ContraindicationIndex
{
    private readonly Dictionary<(string, string), Contraindication[]> _pairs = new();

    public ContraindicationIndex(IEnumerable<Contraindication> entries)
    {
        foreach (var group in entries.GroupBy(entry => Key(entry.A, entry.B)))
            _pairs[group.Key] = [.. group];
    }

    public IReadOnlyList<Contraindication> For(DrugProduct a, DrugProduct b)
    {
        List<Contraindication>? found = null;
        Add(ref found, a.IngredientName, b.IngredientName);
        Add(ref found, a.IngredientName, b.IngredientCode);
        Add(ref found, a.IngredientCode, b.IngredientName);
        Add(ref found, a.IngredientCode, b.IngredientCode);
        return found is null ? [] : found;
    }

    private void Add(ref List<Contraindication>? found, string a, string b)
    {
        if (!_pairs.TryGetValue(Key(a, b), out var entries))
            return;
        found ??= [];
        foreach (var entry in entries)
        {
            // Two keys of one product can name the same entry only if it pairs a name with its own code; count it once.
            if (!found.Contains(entry))
                found.Add(entry);
        }
    }

    private static (string, string) Key(string a, string b) =>
        string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
}
