using System.Text;

namespace Kakehashi.Platform.Prescriptions.DrugMaster;

/// <summary>
/// RFC 4180 records: fields separated by commas, a field in double quotes may hold commas, line
/// breaks and doubled quotes. The published price list quotes nothing today, but a 規格 or 品名
/// with a comma would be quoted, and a split on commas would shift every later column.
/// </summary>
internal static class Rfc4180Reader
{
    public static IEnumerable<IReadOnlyList<string>> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            if (quoted)
            {
                if (c != '"')
                    field.Append((char)c);
                else if (reader.Peek() == '"')
                    field.Append((char)reader.Read());
                else
                    quoted = false;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\r' or '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return fields;
                    fields = [];
                    any = false;
                    break;
                default:
                    field.Append((char)c);
                    break;
            }
        }
        if (quoted)
            throw new InvalidDataException("CSV: a quoted field is not closed before the end of the file.");
        if (any)
        {
            fields.Add(field.ToString());
            yield return fields;
        }
    }
}
