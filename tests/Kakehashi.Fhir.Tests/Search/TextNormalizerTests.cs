using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Tests.Search;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("ﾔﾏﾀﾞ")]
    [InlineData("ヤマダ")]
    [InlineData("やまだ")]
    public void Normalize_KanaInAnyWidthOrScript_FoldsToHiragana(string input)
    {
        Assert.Equal("やまだ", TextNormalizer.Normalize(input));
    }

    [Fact]
    public void Normalize_HalfWidthHandakuten_ComposesWithItsKana()
    {
        Assert.Equal("ぱぴ", TextNormalizer.Normalize("ﾊﾟﾋﾟ"));
    }

    [Fact]
    public void Normalize_VoicedKana_StaysDistinctFromUnvoiced()
    {
        Assert.NotEqual(TextNormalizer.Normalize("ガ"), TextNormalizer.Normalize("カ"));
    }

    [Fact]
    public void Normalize_LatinAccentsAndCase_AreRemoved()
    {
        Assert.Equal("jose angstrom", TextNormalizer.Normalize("José ÅNGSTRÖM"));
    }

    [Fact]
    public void Normalize_FullWidthLatinAndDigits_BecomeAscii()
    {
        Assert.Equal("abc123", TextNormalizer.Normalize("ＡＢＣ１２３"));
    }

    [Fact]
    public void Normalize_IdeographicAndRepeatedSpaces_CollapseToOne()
    {
        Assert.Equal("山田 太郎", TextNormalizer.Normalize(" 山田　　太郎 "));
    }

    [Fact]
    public void Normalize_Null_ReturnsEmpty()
    {
        Assert.Equal("", TextNormalizer.Normalize(null));
    }
}
