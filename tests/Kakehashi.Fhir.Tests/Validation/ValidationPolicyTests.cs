using Hl7.Fhir.Model;
using Kakehashi.Fhir.Validation;

namespace Kakehashi.Fhir.Tests.Validation;

public sealed class ValidationPolicyTests
{
    private const string JpPatient = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient";

    private static Patient Declaring(params string[] profiles) => new() { Meta = profiles.Length == 0 ? null : new Meta { Profile = profiles } };

    [Fact]
    public void Standard_OffWithoutProfile_RejectWithProfile()
    {
        Assert.Equal(ValidationMode.Off, ValidationPolicy.Standard.ModeFor(Declaring()));
        Assert.Equal(ValidationMode.Reject, ValidationPolicy.Standard.ModeFor(Declaring(JpPatient)));
    }

    [Fact]
    public void ProfileRule_BeatsTypeRule_BeatsDefaults_StrictestProfileWins()
    {
        var policy = new ValidationPolicy(ValidationMode.Off, ValidationMode.Reject,
        [
            new ValidationRule("Patient", null, ValidationMode.Warn),
            new ValidationRule(null, JpPatient, ValidationMode.Off),
            new ValidationRule(null, "http://example.jp/strict", ValidationMode.Reject),
        ]);
        Assert.Equal(ValidationMode.Warn, policy.ModeFor(Declaring()));
        Assert.Equal(ValidationMode.Off, policy.ModeFor(Declaring(JpPatient + "|1.1.2")));
        Assert.Equal(ValidationMode.Reject, policy.ModeFor(Declaring(JpPatient, "http://example.jp/strict")));
        Assert.Equal(ValidationMode.Off, policy.ModeFor(new Observation()));
        Assert.Equal(ValidationMode.Reject, policy.ModeFor(new Observation { Meta = new Meta { Profile = ["http://example.jp/any"] } }));
    }
}
