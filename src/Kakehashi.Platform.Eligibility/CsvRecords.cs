using System.Text;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// RFC 4180 CSV: comma-separated, fields optionally in double quotes (a quote inside doubled),
/// records ending in CRLF or LF, a quoted field may span lines. UTF-8, a leading BOM ignored.
/// Each record comes with the line it starts on, for error messages.
/// </summary>
public static class CsvRecords
{
    public static IEnumerable<(int Line, List<string> Fields)> Read(string text)
    {
        var position = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var line = 1;
        while (position < text.Length)
        {
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var atFieldStart = true;
            while (position < text.Length)
            {
                var c = text[position++];
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (position < text.Length && text[position] == '"')
                        {
                            field.Append('"');
                            position++;
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            line++;
                        }

                        field.Append(c);
                    }

                    continue;
                }

                if (c == '"' && atFieldStart)
                {
                    quoted = true;
                    atFieldStart = false;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    atFieldStart = true;
                }
                else if (c is '\r' or '\n')
                {
                    if (c == '\r' && position < text.Length && text[position] == '\n')
                    {
                        position++;
                    }

                    line++;
                    break;
                }
                else
                {
                    field.Append(c);
                    atFieldStart = false;
                }
            }

            fields.Add(field.ToString());
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // a blank line
            }

            yield return (start, fields);
        }
    }
}
