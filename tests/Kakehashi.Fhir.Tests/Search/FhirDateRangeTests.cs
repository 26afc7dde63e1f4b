using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Tests.Search;

public sealed class FhirDateRangeTests
{
    private static long Us(string iso) => FhirDateRange.ToMicroseconds(DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void TryParse_Year_CoversTheWholeYear()
    {
        Assert.True(FhirDateRange.TryParse("2020", out var range));
        Assert.Equal(Us("2020-01-01T00:00:00Z"), range.Start);
        Assert.Equal(Us("2021-01-01T00:00:00Z") - 1, range.End);
    }

    [Fact]
    public void TryParse_Month_CoversTheWholeMonth()
    {
        Assert.True(FhirDateRange.TryParse("2020-02", out var range));
        Assert.Equal(Us("2020-02-01T00:00:00Z"), range.Start);
        Assert.Equal(Us("2020-03-01T00:00:00Z") - 1, range.End);
    }

    [Fact]
    public void TryParse_DateTimeWithOffset_IsConvertedToUtc()
    {
        Assert.True(FhirDateRange.TryParse("2020-01-01T09:00:00+09:00", out var range));
        Assert.Equal(Us("2020-01-01T00:00:00Z"), range.Start);
        Assert.Equal(Us("2020-01-01T00:00:01Z") - 1, range.End);
    }

    [Fact]
    public void TryParse_DateTimeWithoutZone_IsTakenAsUtc()
    {
        Assert.True(FhirDateRange.TryParse("2020-01-01T10:30", out var range));
        Assert.Equal(Us("2020-01-01T10:30:00Z"), range.Start);
        Assert.Equal(Us("2020-01-01T10:31:00Z") - 1, range.End);
    }

    [Fact]
    public void TryParse_Milliseconds_CoverOneMillisecond()
    {
        Assert.True(FhirDateRange.TryParse("2020-01-01T10:30:00.123Z", out var range));
        Assert.Equal(Us("2020-01-01T10:30:00.123Z"), range.Start);
        Assert.Equal(Us("2020-01-01T10:30:00.124Z") - 1, range.End);
    }

    [Theory]
    [InlineData("")]
    [InlineData("20")]
    [InlineData("2020-13")]
    [InlineData("2020-02-30")]
    [InlineData("2020-01-01T25:00")]
    [InlineData("yesterday")]
    public void TryParse_Invalid_ReturnsFalse(string text)
    {
        Assert.False(FhirDateRange.TryParse(text, out _));
    }
}
