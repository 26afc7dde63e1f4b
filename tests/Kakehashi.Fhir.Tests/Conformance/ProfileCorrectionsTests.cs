using Hl7.Fhir.Model;
using Kakehashi.Fhir.Conformance;

namespace Kakehashi.Fhir.Tests.Conformance;

public sealed class ProfileCorrectionsTests
{
    [Fact]
    public void AlignSliceNames_RenamesToTheBaseSpelling_WithChildren()
    {
        var baseProfile = new StructureDefinition
        {
            Snapshot = new StructureDefinition.SnapshotComponent { Element = [new ElementDefinition("MedicationRequest.identifier") { ElementId = "MedicationRequest.identifier:rpNumber", SliceName = "rpNumber" }] },
        };
        var profile = new StructureDefinition
        {
            Differential = new StructureDefinition.DifferentialComponent
            {
                Element =
                [
                    new ElementDefinition("MedicationRequest.identifier") { ElementId = "MedicationRequest.identifier:RpNumber", SliceName = "RpNumber" },
                    new ElementDefinition("MedicationRequest.identifier.value") { ElementId = "MedicationRequest.identifier:RpNumber.value" },
                ],
            },
        };
        Assert.Equal(1, ProfileCorrections.AlignSliceNames(profile, baseProfile, _ => null));
        Assert.Equal("rpNumber", profile.Differential.Element[0].SliceName);
        Assert.Equal("MedicationRequest.identifier:rpNumber.value", profile.Differential.Element[1].ElementId);
    }

    [Fact]
    public void NarrowChoiceParents_ReadsBoundsValueAsBoundsDuration()
    {
        var baseProfile = new StructureDefinition { Snapshot = new StructureDefinition.SnapshotComponent { Element = [new ElementDefinition("MedicationRequest") { ElementId = "MedicationRequest" }] } };
        var profile = new StructureDefinition
        {
            Differential = new StructureDefinition.DifferentialComponent
            {
                Element = [new ElementDefinition("MedicationRequest.dosageInstruction.timing.repeat.bounds[x].value") { ElementId = "MedicationRequest.dosageInstruction.timing.repeat.bounds[x].value" }],
            },
        };
        Assert.Equal(1, ProfileCorrections.NarrowChoiceParents(profile, baseProfile));
        Assert.Equal("MedicationRequest.dosageInstruction.timing.repeat.bounds[x]:boundsDuration", profile.Differential.Element[0].ElementId);
        Assert.Equal("Duration", profile.Differential.Element[0].Type.Single().Code);
        Assert.Equal("MedicationRequest.dosageInstruction.timing.repeat.bounds[x]:boundsDuration.value", profile.Differential.Element[1].ElementId);
    }

    [Fact]
    public void RenameFalseReslices_ReplacesTheSlash_WhenNoParentSliceExists()
    {
        var profile = new StructureDefinition
        {
            Snapshot = new StructureDefinition.SnapshotComponent
            {
                Element =
                [
                    new ElementDefinition("Observation.code.coding") { ElementId = "Observation.code.coding" },
                    new ElementDefinition("Observation.code.coding") { ElementId = "Observation.code.coding:coreLabo/alb", SliceName = "coreLabo/alb" },
                    new ElementDefinition("Observation.code.coding.system") { ElementId = "Observation.code.coding:coreLabo/alb.system" },
                ],
            },
        };
        Assert.Equal(1, ProfileCorrections.RenameFalseReslices(profile));
        Assert.Equal("coreLabo_alb", profile.Snapshot.Element[1].SliceName);
        Assert.Equal("Observation.code.coding:coreLabo_alb.system", profile.Snapshot.Element[2].ElementId);
    }
}
