namespace Kakehashi.Bench.Generate;

/// <summary>
/// Check digits of Japanese insurance numbers. Both use modulus 10 with weights 2 and 1 applied
/// from the last digit (a product of two digits adds its digits), check = (10 − sum mod 10) mod 10:
/// the Luhn scheme. Sources and the worked examples are in bench/README.md.
/// </summary>
public static class CheckDigits
{
    /// <summary>The check digit over <paramref name="digits"/> (without the check digit itself).</summary>
    public static int Modulus10Weights21(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var weightTwo = true;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (d is < 0 or > 9)
            {
                throw new ArgumentException("Digits only: " + digits.ToString(), nameof(digits));
            }

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

        return (10 - sum % 10) % 10;
    }

    /// <summary>保険者番号 (8 digits): law code 2 + prefecture 2 + insurer 3 + check digit.</summary>
    public static string InsurerNumber(int lawCode, int prefecture, int insurer)
    {
        var body = $"{lawCode:00}{prefecture:00}{insurer:000}";
        return body + Modulus10Weights21(body);
    }

    /// <summary>市町村国保 / 国保組合 保険者番号 (6 digits): prefecture 2 + insurer 3 + check digit.</summary>
    public static string NationalHealthInsuranceNumber(int prefecture, int insurer)
    {
        var body = $"{prefecture:00}{insurer:000}";
        return body + Modulus10Weights21(body);
    }

    /// <summary>
    /// 医療機関コード (10 digits): prefecture 2 + fee table 1 (1 medical, 3 dental, 4 pharmacy) +
    /// area 2 + number 4 + check digit, computed over all nine preceding digits.
    /// </summary>
    public static string InstitutionCode(int prefecture, int feeTable, int area, int number)
    {
        var body = $"{prefecture:00}{feeTable:0}{area:00}{number:0000}";
        return body + Modulus10Weights21(body);
    }

    /// <summary>True for a 6- or 8-digit insurer number whose last digit checks.</summary>
    public static bool IsValidInsurerNumber(string value) =>
        value.Length is 6 or 8 && value.All(char.IsAsciiDigit) && Modulus10Weights21(value.AsSpan(0, value.Length - 1)) == value[^1] - '0';

    /// <summary>True for a 10-digit institution code whose last digit checks.</summary>
    public static bool IsValidInstitutionCode(string value) =>
        value.Length == 10 && value.All(char.IsAsciiDigit) && Modulus10Weights21(value.AsSpan(0, 9)) == value[^1] - '0';
}
