using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Kakehashi.Fhir.Tests.Conformance;
using Kakehashi.Fhir.Validation;
using Xunit.Abstractions;

namespace Kakehashi.Fhir.Tests.Validation;

/// <summary>
/// Every JP example validates against the profiles it declares; the *ErrorExample* files fail
/// where they are wrong. The few examples that do not conform to the shipped package versions
/// are listed in <see cref="KnownDefects"/> with the reason, and must keep failing for exactly
/// that reason (so a fix, or a new error, shows up here).
/// </summary>
public sealed class ExampleValidationTests(ConformanceFixture fixture, ITestOutputHelper output) : IClassFixture<ConformanceFixture>
{
    private static readonly FhirJsonDeserializer Parser = new(new DeserializerSettings());

    /// <summary>Examples that disagree with the package versions shipped, and the text of the error that says so.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownDefects = new Dictionary<string, string>
    {
        // The ePrescriptionData draft (May 2023) examples carry JP_Organization_PrefectureNo (and siblings) as
        // valueIdentifier; JP Core 1.1.2 defines those extensions with valueCoding.
        ["jp-ePrescriptionData/Organization-JP-Organization-ePreData-issuer-Example.json"] = "Encountered unknown child elements 'value'",
        ["jp-ePrescriptionData/Bundle-Bundle-for-JP-MedReq-ePreBundleExample01.json"] = "Encountered unknown child elements 'value'",
        ["jp-ePrescriptionData/Bundle-Bundle-for-JP-MedReq-ePreData-Example01.json"] = "Encountered unknown child elements 'value'",

        // The profile's invariant looks for the code system 'practitioner_certificate_category'; the example uses
        // 'practitioner-certificate-category' (the JP Core name).
        ["jp-ePrescriptionData/Practitioner-JP-Practitioner-ePreData-author-Example.json"] = "checkQualification-DoctorLicenseExists",

        // Validated alone, the Composition's urn:uuid entries cannot be resolved (they live in the Bundle), so the
        // resolve()-profile slicing of section.entry cannot tell the entries apart; inside its Bundle it is checked fully.
        ["jp-ePrescriptionData/Composition-JP-Composition-ePreBundleExample01.json"] = "for slice healthInsurancePublic",

        // Firely.Fhir.Validation 3.6.0 throws inside SliceValidator on this Bundle: it has no Observation, and the
        // validator fails on the empty entry:observation slice, which JP_Bundle_eReferral reslices (with an
        // Observation added the example validates); the server reports that the resource could not be validated.
        ["jp-clins/Bundle-Bundle-CLINS-Referral-NoEntry-Example-01.json"] = "could not be validated",
    };

    public static TheoryData<string> ValidExamples() =>
        [.. JpData.Examples().Where(e => !e.Contains("ErrorExample", StringComparison.Ordinal) && !KnownDefects.ContainsKey(e))];

    public static TheoryData<string> DefectiveExamples() => [.. KnownDefects.Keys];

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void Example_ValidatesWithoutErrors(string example)
    {
        var outcome = Validate(example);
        Assert.False(ProfileValidator.HasErrors(outcome), "errors:\n" + string.Join("\n", Errors(outcome).Select(Describe)));
    }

    [Theory]
    [MemberData(nameof(DefectiveExamples))]
    public void KnownDefect_StillFailsForTheDocumentedReason(string example)
    {
        var errors = Errors(Validate(example));
        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => Describe(e).Contains(KnownDefects[example], StringComparison.Ordinal));
    }

    /// <summary>Each deliberately invalid example, the element its note says is wrong, and whether the shipped packages can prove it.</summary>
    public static TheoryData<string, string, bool> ErrorExamples() => new()
    {
        // "薬剤コードがYJ、一般処方コードのいずれも存在しない": the medication code has neither a YJ nor a general-name code
        // (invariant R3010 of JP_MedicationRequest_eCS, reported on the resource and naming medicationCodeableConcept).
        { "jp-clins/MedicationRequest-ErrorExample-JP-MedReq-ExtEye-Total1.json", "medicationCodeableConcept", true },

        // "一般処方コード2124030F2ZZZが間違っている": a wrong MHLW general-name code. Proving it needs the code list
        // (JP_MedicationCodeCommon_VS), which no shipped package contains: the validator warns at the code instead.
        { "jp-clins/MedicationRequest-ErrorExample-JP-MedReq-PO-SID-28days.json", "MedicationRequest.medication", false },

        // "ローカルコードなし": the lab result lacks the local code. JP-CLINS 1.5.2 (the package shipped) still allows that
        // (slice localLaboCode is 0..1); 1.5.3 makes it 1..1, and the platform enforces that rule (PlatformRules).
        { "jp-clins/Observation-ErrorExample-ObsLabo-eGFR.json", "Observation.code", true },
    };

    [Theory]
    [MemberData(nameof(ErrorExamples))]
    public void ErrorExample_IsFlaggedAtTheElementItIsAbout(string example, string element, bool provable)
    {
        var outcome = Validate(example);
        var flagged = outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Warning)
            .Where(i => Describe(i).Contains(element, StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(flagged);
        if (provable)
        {
            Assert.Contains(flagged, i => i.Severity == OperationOutcome.IssueSeverity.Error);
        }
    }

    private OperationOutcome Validate(string example)
    {
        var outcome = fixture.Validator.Validate(Parser.DeserializeResource(JpData.ExampleText(example)));
        foreach (var issue in outcome.Issue)
        {
            output.WriteLine($"{issue.Severity} {Describe(issue)}");
        }

        return outcome;
    }

    private static List<OperationOutcome.IssueComponent> Errors(OperationOutcome outcome) =>
        [.. outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)];

    private static string Describe(OperationOutcome.IssueComponent issue) =>
        $"{string.Join(",", issue.Expression)}: {issue.Details?.Text ?? issue.Diagnostics}";
}
