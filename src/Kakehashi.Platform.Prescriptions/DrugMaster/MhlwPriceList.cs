using System.Globalization;
using System.Text;

namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>
/// Reads the MHLW 薬価基準収載品目リスト CSV in its published layout (UTF-8, header row
/// 区分,薬価基準収載医薬品コード,成分名,規格,日本薬局方,麻薬,業者名追記,品名,メーカー名,…,薬価,…).
/// Columns are found by their header, so a column the ministry adds or moves changes nothing; a
/// column the master needs that is missing refuses the file, because a shifted or renamed column
/// would silently fill the master with wrong values.
/// </summary>
public static class MhlwPriceList
{
    public const string RouteColumn = "区分";
    public const string CodeColumn = "薬価基準収載医薬品コード";
    public const string IngredientColumn = "成分名";
    public const string StrengthColumn = "規格";
    public const string NarcoticColumn = "麻薬";
    public const string NameColumn = "品名";
    public const string MakerColumn = "メーカー名";
    public const string PriceColumn = "薬価";

    private const string NarcoticMark = "麻";

    private static readonly string[] Required =
        [RouteColumn, CodeColumn, IngredientColumn, StrengthColumn, NarcoticColumn, NameColumn, MakerColumn, PriceColumn];

    /// <exception cref="InvalidDataException">The header lacks a column, or a line is not a product.</exception>
    public static IReadOnlyList<MhlwPriceRow> Read(Stream csv)
    {
        using var reader = new StreamReader(csv, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        using var records = Rfc4180Reader.Read(reader).GetEnumerator();
        if (!records.MoveNext())
            throw new InvalidDataException("薬価基準収載品目リスト: the file is empty, a header row was expected.");
        var columns = Columns(records.Current);
        var rows = new List<MhlwPriceRow>(capacity: 12_500);
        var line = 1;
        while (records.MoveNext())
        {
            line++;
            var fields = records.Current;
            if (fields.Count == 1 && fields[0].Length == 0)
                continue;
            rows.Add(Row(fields, columns, line));
        }
        return rows;
    }

    private static Dictionary<string, int> Columns(IReadOnlyList<string> header)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
            columns.TryAdd(header[i].Trim(), i);
        foreach (var name in Required)
        {
            if (!columns.ContainsKey(name))
                throw new InvalidDataException(
                    $"薬価基準収載品目リスト: the header has no column 「{name}」; this is not the published layout (header: {string.Join(",", header)}).");
        }
        return columns;
    }

    private static MhlwPriceRow Row(IReadOnlyList<string> fields, Dictionary<string, int> columns, int line)
    {
        string Field(string name)
        {
            var index = columns[name];
            return index < fields.Count ? fields[index] : "";
        }

        // Only the coded columns are trimmed: names and 規格 stay exactly as published.
        var routeLabel = Field(RouteColumn).Trim();
        if (!DrugRoutes.TryParse(routeLabel, out var route))
            throw new InvalidDataException($"薬価基準収載品目リスト line {line}: unknown 区分 「{routeLabel}」.");
        var code = Field(CodeColumn).Trim();
        if (code.Length != DrugCodes.YjCodeLength)
            throw new InvalidDataException($"薬価基準収載品目リスト line {line}: 「{code}」 is not a 12-character 薬価基準収載医薬品コード.");
        var priceText = Field(PriceColumn).Trim();
        if (!decimal.TryParse(priceText, NumberStyles.Number, CultureInfo.InvariantCulture, out var price))
            throw new InvalidDataException($"薬価基準収載品目リスト line {line}: 薬価 「{priceText}」 is not a number.");
        return new MhlwPriceRow(
            route,
            code,
            Field(IngredientColumn),
            Field(StrengthColumn),
            Field(NarcoticColumn).Trim() == NarcoticMark,
            Field(NameColumn),
            Field(MakerColumn),
            price);
    }
}
