using System.Text;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform;

/// <summary>
/// The numbers on insurance and public-expense cards: their lengths, digits and check digits
/// (modulus 10, weights 2 and 1 from the right, as <see cref="InstitutionCodes"/>), and the
/// My Number (個人番号), which Kakehashi refuses wherever it appears.
/// </summary>
public static class InsuranceNumbers
{
    /// <summary>Why <paramref name="value"/> is not an insurer number (8 digits, or 6 for 市町村国保 and 国保組合), or null.</summary>
    public static string? InsurerNumberError(string value)
    {
        if (value.Length is not (6 or 8) || !value.All(char.IsAsciiDigit))
        {
            return $"The insurer number '{value}' must be 8 digits (6 for 市町村国保 and 国保組合).";
        }

        return CheckDigitError(value, "insurer number");
    }

    /// <summary>
    /// The insurer number as keys hold it: an 8-digit number written with a leading <c>00</c> is
    /// a 6-digit 国保 number padded (no law number 00 exists), so both spellings find it.
    /// </summary>
    public static string CanonicalInsurer(string value) =>
        value.Length == 8 && value.StartsWith("00", StringComparison.Ordinal) ? value[2..] : value;

    /// <summary>Why <paramref name="value"/> is not a 公費負担者番号 (8 digits with its check digit), or null.</summary>
    public static string? PublicPayerError(string value) =>
        value.Length != 8 || !value.All(char.IsAsciiDigit)
            ? $"The public-expense payer number (公費負担者番号) '{value}' must be 8 digits."
            : CheckDigitError(value, "public-expense payer number (公費負担者番号)");

    /// <summary>Why <paramref name="value"/> is not a 公費受給者番号 (7 digits with its check digit), or null.</summary>
    public static string? RecipientError(string value) =>
        value.Length != 7 || !value.All(char.IsAsciiDigit)
            ? $"The public-expense recipient number (受給者番号) '{value}' must be 7 digits (pad with leading zeros)."
            : CheckDigitError(value, "public-expense recipient number (受給者番号)");

    /// <summary>Why <paramref name="value"/> is not a branch number (枝番: two half-width digits, leading zero kept), or null.</summary>
    public static string? BranchError(string value)
    {
        if (value.Length == 2 && value.All(char.IsAsciiDigit))
        {
            return null;
        }

        return value.Length == 1 && char.IsAsciiDigit(value[0])
            ? $"The branch number (枝番) '{value}' must keep its leading zero: two digits, '0{value}'."
            : $"The branch number (枝番) '{value}' must be two digits, e.g. '00' or '01'.";
    }

    /// <summary>
    /// A 記号 or 番号 as keys hold it: NFKC (full-width digits and letters become half-width, so
    /// the card and the registration agree however either was typed) and trimmed.
    /// </summary>
    public static string Canonical(string value) => value.Normalize(NormalizationForm.FormKC).Trim();

    /// <summary>
    /// True when the text is a My Number: 12 digits (ignoring spaces and hyphens, full-width
    /// too) whose last digit is the My Number check digit. Such a value is refused, never stored.
    /// </summary>
    public static bool LooksLikeMyNumber(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 40)
        {
            return false;
        }

        Span<int> digits = stackalloc int[12];
        var count = 0;
        foreach (var c in value.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == 12)
                {
                    return false;
                }

                digits[count++] = c - '0';
            }
            else if (c is not (' ' or '-'))
            {
                return false;
            }
        }

        return count == 12 && MyNumberCheckDigit(digits[..11]) == digits[11];
    }

    /// <summary>The check digit of the 11 leading digits of a My Number (the 個人番号 rule: weights n+1 for n ≤ 6, n−5 above, modulus 11).</summary>
    public static int MyNumberCheckDigit(ReadOnlySpan<int> first11)
    {
        var sum = 0;
        for (var n = 1; n <= 11; n++)
        {
            var digit = first11[11 - n];
            sum += digit * (n <= 6 ? n + 1 : n - 5);
        }

        var remainder = sum % 11;
        return remainder <= 1 ? 0 : 11 - remainder;
    }

    public const string MyNumberRefusal =
        "looks like a My Number (個人番号: 12 digits with a valid check digit). Kakehashi never accepts or stores a My Number; link the card by its certificate instead.";

    private static string? CheckDigitError(string value, string what)
    {
        var expected = InstitutionCodes.CheckDigit(value.AsSpan(0, value.Length - 1));
        return expected == value[^1] - '0'
            ? null
            : $"The {what} '{value}' has a wrong check digit (検証番号): expected {expected}, found {value[^1]}.";
    }
}
