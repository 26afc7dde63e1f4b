namespace Kakehashi.Platform.Security;

/// <summary>
/// Check digits of the codes that identify organizations: the 10-digit medical institution /
/// pharmacy code (医療機関コード) and the 8- or 6-digit insurer number (保険者番号). Both use
/// modulus 10 with weights 2 and 1 from the last digit (Luhn), as bench/README.md documents.
/// </summary>
public static class InstitutionCodes
{
    public static bool IsValidInstitutionCode(string value) =>
        value.Length == 10 && value.All(char.IsAsciiDigit) && CheckDigit(value.AsSpan(0, 9)) == value[^1] - '0';

    public static bool IsValidInsurerNumber(string value) =>
        value.Length is 6 or 8 && value.All(char.IsAsciiDigit) && CheckDigit(value.AsSpan(0, value.Length - 1)) == value[^1] - '0';

    public static int CheckDigit(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var weightTwo = true;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (weightTwo)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            weightTwo = !weightTwo;
        }

        return (10 - (sum % 10)) % 10;
    }

    /// <summary>Appends the check digit: handy for tests and seeding.</summary>
    public static string WithCheckDigit(string body) => body + CheckDigit(body).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
