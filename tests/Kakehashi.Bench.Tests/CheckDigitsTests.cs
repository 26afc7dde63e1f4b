using System.Globalization;
using Kakehashi.Bench.Generate;

namespace Kakehashi.Bench.Tests;

/// <summary>The check-digit scheme against published numbers (sources in bench/README.md).</summary>
public sealed class CheckDigitsTests
{
    [Theory]
    [InlineData("01130012")] // 全国健康保険協会 東京支部
    [InlineData("01010016")] // 全国健康保険協会 北海道支部
    [InlineData("33120015")] // 千葉県警察共済組合, the worked example of the source
    [InlineData("54016027")] // 公費負担者番号, same scheme, worked example of the source
    public void InsurerNumber_PublishedNumbers_AreValid(string number)
    {
        Assert.True(CheckDigits.IsValidInsurerNumber(number));
        Assert.Equal(number, CheckDigits.InsurerNumber(int.Parse(number[..2], CultureInfo.InvariantCulture), int.Parse(number[2..4], CultureInfo.InvariantCulture), int.Parse(number[4..7], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void InstitutionCode_PublishedExample_IsValid_OverAllNineDigits()
    {
        // The example code of the Wikipedia article on 処方箋発行医療機関コード (Luhn over 9 digits).
        Assert.True(CheckDigits.IsValidInstitutionCode("0110113719"));
        Assert.Equal("0110113719", CheckDigits.InstitutionCode(1, 1, 1, 1371));
    }

    [Theory]
    [InlineData("01130013")]
    [InlineData("0113001")]
    [InlineData("0113001a")]
    public void InsurerNumber_WrongDigitOrLength_IsInvalid(string number) => Assert.False(CheckDigits.IsValidInsurerNumber(number));

    [Fact]
    public void CheckDigit_DetectsEverySingleDigitError()
    {
        var valid = CheckDigits.InstitutionCode(13, 1, 12, 3456);
        for (var position = 0; position < valid.Length; position++)
        {
            for (var digit = '0'; digit <= '9'; digit++)
            {
                if (digit == valid[position])
                {
                    continue;
                }

                var changed = valid[..position] + digit + valid[(position + 1)..];
                Assert.False(CheckDigits.IsValidInstitutionCode(changed), changed);
            }
        }
    }
}
