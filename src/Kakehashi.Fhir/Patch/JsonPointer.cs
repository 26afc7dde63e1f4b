using System.Globalization;

namespace Kakehashi.Fhir.Patch;

/// <summary>An RFC 6901 JSON Pointer, split into unescaped reference tokens.</summary>
internal sealed class JsonPointer
{
    private JsonPointer(string text, IReadOnlyList<string> tokens)
    {
        Text = text;
        Tokens = tokens;
    }

    public string Text { get; }

    public IReadOnlyList<string> Tokens { get; }

    public bool IsRoot => Tokens.Count == 0;

    public string LastToken => Tokens[^1];

    public static bool TryParse(string text, out JsonPointer pointer)
    {
        pointer = new JsonPointer(text, []);
        if (text.Length == 0)
        {
            return true;
        }

        if (text[0] != '/')
        {
            return false;
        }

        var tokens = new List<string>();
        foreach (var raw in text[1..].Split('/'))
        {
            if (!TryUnescape(raw, out var token))
            {
                return false;
            }

            tokens.Add(token);
        }

        pointer = new JsonPointer(text, tokens);
        return true;
    }

    /// <summary>True when this pointer is a proper prefix of <paramref name="other"/> (a move into its own child).</summary>
    public bool IsProperPrefixOf(JsonPointer other)
    {
        if (Tokens.Count >= other.Tokens.Count)
        {
            return false;
        }

        for (var i = 0; i < Tokens.Count; i++)
        {
            if (!string.Equals(Tokens[i], other.Tokens[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public bool SameAs(JsonPointer other) => Tokens.SequenceEqual(other.Tokens, StringComparer.Ordinal);

    /// <summary>
    /// Parses an array index token: digits only, no leading zeros (RFC 6901 section 4). "-" is not an
    /// index; callers that accept it check for it first.
    /// </summary>
    public static bool TryParseArrayIndex(string token, out int index)
    {
        index = -1;
        if (token.Length == 0 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit))
        {
            return false;
        }

        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    public override string ToString() => Text;

    private static bool TryUnescape(string raw, out string token)
    {
        token = raw;
        if (!raw.Contains('~', StringComparison.Ordinal))
        {
            return true;
        }

        var builder = new System.Text.StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '~')
            {
                builder.Append(raw[i]);
                continue;
            }

            if (i + 1 >= raw.Length)
            {
                return false;
            }

            // ~1 before ~0 would matter only for "~01"; decoding one escape at a time avoids the issue entirely.
            switch (raw[++i])
            {
                case '0':
                    builder.Append('~');
                    break;
                case '1':
                    builder.Append('/');
                    break;
                default:
                    return false;
            }
        }

        token = builder.ToString();
        return true;
    }
}
