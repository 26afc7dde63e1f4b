using Kakehashi.Platform.Prescriptions.DrugMaster;
using Kakehashi.Platform.Services;

namespace Kakehashi.Server.Tests.Prescriptions;

/// <summary>What the shipped drug master says of drug codes other services send (<see cref="IDrugCodeDirectory"/>).</summary>
public sealed class DrugCodeLookupTests
{
    private const string Yj = "http://capstandard.jp/iyaku.info/CodeSystem/YJ-code";
    private const string GeneralName = "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode";

    private static DrugCodeAnswer Answer(string? system, string? code) => DrugCodeLookup.Answer(DrugMasterVersion.Embedded(), system, code);

    [Theory]
    [InlineData(Yj, "1124001F1022")] // ユーロジン１ｍｇ錠
    [InlineData("urn:oid:1.2.392.100495.20.1.73", "1124001F1022")]
    [InlineData("urn:oid:1.2.392.100495.20.2.73", "1124001F1022")]
    [InlineData("http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeYJ_CS", "1124001F1022")]
    [InlineData(GeneralName, "1124030F2ZZZ")] // 【般】クアゼパム錠２０ｍｇ
    [InlineData("urn:oid:1.2.392.100495.20.1.81", "2171022F1ZZZ")] // 【般】アムロジピン錠２．５ｍｇ
    [InlineData("http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCodeCommon_CS", "1124030F2ZZZ")]
    public void ACodeOfAListedDrug_IsKnown_WithoutANote(string system, string code)
    {
        Assert.Equal(new DrugCodeAnswer(DrugCodeVerdict.Known, null), Answer(system, code));
    }

    [Theory]
    [InlineData(Yj, "2456001F1310", "2456001F1")] // プレドニン錠５ｍｇ: its own YJ code under the unified-name listing プレドニゾロン錠
    [InlineData(Yj, "2233002F1280", "2233002F1")] // カルボシステイン錠２５０ｍｇ「サワイ」: listed until March 2025
    [InlineData(GeneralName, "1124030FAZZZ", "1124030")] // an exception code: the ingredient only
    public void ACodeCheckedInPart_IsKnown_WithANoteSayingWhatWasChecked(string system, string code, string checkedPart)
    {
        var answer = Answer(system, code);
        Assert.Equal(DrugCodeVerdict.Known, answer.Verdict);
        Assert.Contains(checkedPart, answer.Message, StringComparison.Ordinal);
        Assert.Contains(DrugMasterVersion.Embedded().Version, answer.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(GeneralName, "2124030F2ZZZ")] // the JP-CLINS error example: no ingredient 2124030
    [InlineData(GeneralName, "1124030F9ZZZ")] // クアゼパム, in no 9th strength
    [InlineData(GeneralName, "1124030F2")]
    [InlineData(GeneralName, "1124030f2zzz")]
    [InlineData(GeneralName, "9999999AAZZZ")] // an exception-shaped code of no ingredient
    [InlineData(Yj, "2124030F2017")]
    [InlineData(Yj, "1124001f1022")]
    [InlineData(Yj, "1124030F2ZZZ")] // a general-name code sent as YJ
    [InlineData(Yj, "620000000")] // a receipt (レセプト電算) code sent as YJ
    public void ACodeOfNoDrug_IsUnknown_SayingWhy(string system, string code)
    {
        var answer = Answer(system, code);
        Assert.Equal(DrugCodeVerdict.Unknown, answer.Verdict);
        Assert.Contains(code, answer.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://medis.or.jp/CodeSystem/master-HOT9", "104195801")]
    [InlineData("http://jpfhir.jp/fhir/eCS/CodeSystem/MedicationCodeNocoded_CS", "NOCODED")]
    [InlineData("http://jpfhir.jp/fhir/eCS/CodeSystem/DrugCode/19911234567", "I1379700")]
    [InlineData(null, "1124001F1022")]
    [InlineData(Yj, null)]
    [InlineData(Yj, "")]
    public void ACodeOutsideTheMastersSystems_IsNotChecked(string? system, string? code)
    {
        Assert.Equal(new DrugCodeAnswer(DrugCodeVerdict.NotChecked, null), Answer(system, code));
    }
}
