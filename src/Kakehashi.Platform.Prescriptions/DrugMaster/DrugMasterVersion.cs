using System.Collections.Frozen;
using System.IO.Compression;

namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>
/// One version of the drug master (医薬品マスタ): the MHLW price list of one date plus a revision of
/// Kakehashi's supplement, immutable and held in memory. A prescription check records
/// <see cref="Version"/> so that its answer can be explained later against the same data.
/// </summary>
public sealed class DrugMasterVersion
{
    /// <summary>The attribution the price list's terms (政府標準利用規約 2.0) require wherever its data is shown.</summary>
    public const string Attribution = "出典：厚生労働省ホームページ（薬価基準収載品目リスト）";

    private const string EmbeddedList = "mhlw-yakka-20250716.csv.gz";
    private const string EmbeddedSupplement = "supplement.json";
    private static readonly DateOnly EmbeddedPublishedOn = new(2025, 7, 16);

    // Measured on the shared 2-core build machine (Release, 12,434 rows, gunzip included): 0.42 s for
    // the first load in a fresh process (JIT included), 0.15–0.3 s for a later Load; a pair check
    // costs about 1 µs. Loaded once per process and cached.
    private static readonly Lazy<DrugMasterVersion> Shipped = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly FrozenDictionary<string, DrugProduct> _byCode;
    private readonly FrozenDictionary<string, DrugProduct> _byDrugCode;
    private readonly FrozenDictionary<string, DrugProduct> _byIngredientCode;
    private readonly ContraindicationIndex _contraindications;

    private DrugMasterVersion(string version, DateOnly publishedOn, DrugSupplement supplement, FrozenDictionary<string, DrugProduct> byCode, IReadOnlyList<string> unmatched)
    {
        Version = version;
        PublishedOn = publishedOn;
        Supplement = supplement;
        _byCode = byCode;
        _byDrugCode = FirstByPrefix(byCode, DrugCodes.DrugCodeLength);
        _byIngredientCode = FirstByPrefix(byCode, DrugCodes.IngredientCodeLength);
        _contraindications = new ContraindicationIndex(supplement.Contraindicated);
        UnmatchedSupplementKeys = unmatched;
    }

    /// <summary>E.g. mhlw-20250716+s1: the list's date and the supplement's revision.</summary>
    public string Version { get; }

    /// <summary>The date the price list is in force from.</summary>
    public DateOnly PublishedOn { get; }

    public DrugSupplement Supplement { get; }

    public IReadOnlyCollection<DrugProduct> Products => _byCode.Values;

    /// <summary>Supplement keys that name no product's 成分名 or ingredient code: each one a typo or a delisted drug, so a test asserts there are none.</summary>
    public IReadOnlyList<string> UnmatchedSupplementKeys { get; }

    /// <summary>The product of a YJ code; null for a code outside the master (another code system, a delisted product, a typo).</summary>
    public DrugProduct? Find(string? yjCode) =>
        yjCode is not null && _byCode.TryGetValue(yjCode, out var product) ? product : null;

    /// <summary>
    /// A listed product (the one with the lowest code) of the drug a code's first 9 characters name —
    /// ingredient, dosage form and strength, which price-list codes, YJ codes and 一般名処方コード
    /// share; null when no product of the master has them.
    /// </summary>
    public DrugProduct? FindDrug(string? drugCode) =>
        drugCode is { Length: DrugCodes.DrugCodeLength } && _byDrugCode.TryGetValue(drugCode, out var product) ? product : null;

    /// <summary>A listed product (the one with the lowest code) of a 7-character ingredient code; null when none.</summary>
    public DrugProduct? FindIngredient(string? ingredientCode) =>
        ingredientCode is { Length: DrugCodes.IngredientCodeLength } && _byIngredientCode.TryGetValue(ingredientCode, out var product) ? product : null;

    /// <summary>The supplement's 併用禁忌 entries naming this pair, in either order; empty when none.</summary>
    public IReadOnlyList<Contraindication> Contraindications(DrugProduct a, DrugProduct b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return _contraindications.For(a, b);
    }

    public int Count => Products.Count;

    /// <summary>Products whose name or ingredient contains <paramref name="text"/> (NFKC, so full- and half-width match), shortest names first.</summary>
    public IReadOnlyList<DrugProduct> Search(string text, int limit)
    {
        var wanted = text.Trim().Normalize(System.Text.NormalizationForm.FormKC);
        return [.. Products
            .Where(p => p.Name.Normalize(System.Text.NormalizationForm.FormKC).Contains(wanted, StringComparison.OrdinalIgnoreCase)
                        || p.IngredientName.Normalize(System.Text.NormalizationForm.FormKC).Contains(wanted, StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p.Name.Length).ThenBy(p => p.YjCode, StringComparer.Ordinal)
            .Take(limit)];
    }

    /// <summary>The shipped supplement, for a price list the operator loads later (the supplement ships with the code).</summary>
    public static Stream OpenEmbeddedSupplement() => OpenResource(EmbeddedSupplement);

    /// <summary>The master shipped with Kakehashi (DrugMaster/Data), loaded once per process.</summary>
    public static DrugMasterVersion Embedded() => Shipped.Value;

    /// <exception cref="InvalidDataException">Either file is not in its expected layout.</exception>
    public static DrugMasterVersion Load(Stream csv, Stream supplement, string version, DateOnly publishedOn)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(supplement);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        return Build(MhlwPriceList.Read(csv), DrugSupplement.Load(supplement), version, publishedOn);
    }

    private static DrugMasterVersion LoadEmbedded()
    {
        DrugSupplement supplement;
        using (var json = OpenResource(EmbeddedSupplement))
            supplement = DrugSupplement.Load(json);
        using var compressed = OpenResource(EmbeddedList);
        using var csv = new GZipStream(compressed, CompressionMode.Decompress);
        var version = $"mhlw-{EmbeddedPublishedOn:yyyyMMdd}+s{supplement.Revision}";
        return Build(MhlwPriceList.Read(csv), supplement, version, EmbeddedPublishedOn);
    }

    private static DrugMasterVersion Build(IReadOnlyList<MhlwPriceRow> rows, DrugSupplement supplement, string version, DateOnly publishedOn)
    {
        var psychotropic = supplement.Psychotropic.Select(entry => entry.Ingredient).ToHashSet(StringComparer.Ordinal);
        var newDrug = supplement.NewDrug.Select(entry => entry.Ingredient).ToHashSet(StringComparer.Ordinal);
        var products = new Dictionary<string, DrugProduct>(rows.Count, StringComparer.Ordinal);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var ingredientCode = row.YjCode[..DrugCodes.IngredientCodeLength];
            var form = DosageForm.Of(row.Route, row.YjCode[DrugCodes.IngredientCodeLength]);
            bool Listed(HashSet<string> keys) => keys.Contains(row.IngredientName) || keys.Contains(ingredientCode);
            var product = new DrugProduct(
                row.YjCode,
                row.IngredientName,
                row.Route,
                form,
                row.Strength,
                row.Name,
                row.Maker,
                row.Price,
                row.Narcotic,
                Psychotropic: Listed(psychotropic),
                NewDrug: Listed(newDrug),
                Poultice: supplement.Poultice.Matches(row.Route, form),
                DuplicateKeys.For(row.IngredientName, ingredientCode, row.Route));
            if (!products.TryAdd(row.YjCode, product))
                throw new InvalidDataException($"Drug master: the code {row.YjCode} is listed twice.");
            known.Add(row.IngredientName);
            known.Add(ingredientCode);
        }
        var unmatched = supplement.Keys.Where(key => !known.Contains(key)).ToArray();
        return new DrugMasterVersion(version, publishedOn, supplement, products.ToFrozenDictionary(StringComparer.Ordinal), unmatched);
    }

    private static FrozenDictionary<string, DrugProduct> FirstByPrefix(FrozenDictionary<string, DrugProduct> byCode, int length) =>
        byCode.Values
            .GroupBy(product => product.YjCode[..length], StringComparer.Ordinal)
            .ToFrozenDictionary(group => group.Key, group => group.MinBy(product => product.YjCode, StringComparer.Ordinal)!, StringComparer.Ordinal);

    private static Stream OpenResource(string fileName)
    {
        var assembly = typeof(DrugMasterVersion).Assembly;
        var name = assembly.GetManifestResourceNames().SingleOrDefault(resource => resource.EndsWith("DrugMaster.Data." + fileName, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Drug master: the embedded resource {fileName} is missing from {assembly.GetName().Name}.");
        return assembly.GetManifestResourceStream(name)!;
    }
}
