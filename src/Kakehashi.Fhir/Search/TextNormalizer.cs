using System.Globalization;
using System.Text;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Folds text so that a search matches however the user typed it: width (NFKC turns ﾔﾏﾀﾞ into
/// ヤマダ), case, Latin accents, and script (katakana becomes hiragana, so ヤマダ and やまだ meet).
/// The same function runs at index time and at query time, so both sides always agree.
/// </summary>
public static class TextNormalizer
{
    // Katakana ァ (U+30A1) … ヶ (U+30F6) and the iteration marks ヽヾ map 1:1 onto hiragana 0x60 lower.
    private const int KanaOffset = 0x60;

    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (IsPlainAscii(text))
        {
            // The common case (codes, Latin names) skips the Unicode passes entirely.
            return CollapseSpaces(text.ToLowerInvariant());
        }

        var decomposed = text.Normalize(NormalizationForm.FormKC).Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark && !IsKanaVoicingMark(c))
            {
                // An accent on a Latin letter: dropped so "José" finds "jose". Kana voicing
                // marks are kept because が and か are different sounds.
                continue;
            }

            builder.Append(ToHiragana(char.ToLowerInvariant(c)));
        }

        return CollapseSpaces(builder.ToString().Normalize(NormalizationForm.FormC));
    }

    private static bool IsPlainAscii(string text)
    {
        foreach (var c in text)
        {
            if (c > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsKanaVoicingMark(char c) => c is '\u3099' or '\u309A';

    private static char ToHiragana(char c) =>
        c is (>= '\u30A1' and <= '\u30F6') or '\u30FD' or '\u30FE' ? (char)(c - KanaOffset) : c;

    // NFKC turns the ideographic space into an ASCII one; runs of spaces should not split matches.
    private static string CollapseSpaces(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var builder = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            var isSpace = c == ' ';
            if (!(isSpace && previousSpace))
            {
                builder.Append(c);
            }

            previousSpace = isSpace;
        }

        return builder.ToString();
    }
}
