using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Patch;

namespace Kakehashi.Fhir.Tests.Patch;

public sealed class FhirPathPatchApplierTests
{
    private static Patient NewPatient() => new()
    {
        Id = "p1",
        BirthDate = "1970-01-01",
        Gender = AdministrativeGender.Male,
        Identifier =
        {
            new Identifier("x", "1"),
            new Identifier("y", "2"),
        },
        Name =
        {
            new HumanName { Family = "Yamada", Given = ["Taro", "Jiro"] },
        },
    };

    private static Parameters Patch(params Parameters.ParameterComponent[] operations)
    {
        var patch = new Parameters();
        patch.Parameter.AddRange(operations);
        return patch;
    }

    private static Parameters.ParameterComponent Operation(
        string type,
        string path,
        string? name = null,
        DataType? value = null,
        int? index = null,
        int? source = null,
        int? destination = null,
        Parameters.ParameterComponent? valuePart = null)
    {
        var operation = new Parameters.ParameterComponent { Name = "operation" };
        operation.Part.Add(new() { Name = "type", Value = new Code(type) });
        operation.Part.Add(new() { Name = "path", Value = new FhirString(path) });
        if (name is not null)
        {
            operation.Part.Add(new() { Name = "name", Value = new FhirString(name) });
        }

        if (value is not null)
        {
            operation.Part.Add(new() { Name = "value", Value = value });
        }

        if (valuePart is not null)
        {
            operation.Part.Add(valuePart);
        }

        foreach (var (part, number) in new[] { ("index", index), ("source", source), ("destination", destination) })
        {
            if (number is not null)
            {
                operation.Part.Add(new() { Name = part, Value = new Integer(number) });
            }
        }

        return operation;
    }

    private static Parameters.ParameterComponent Part(string name, DataType value) => new() { Name = name, Value = value };

    private static Parameters.ParameterComponent PartOf(string name, params Parameters.ParameterComponent[] parts)
    {
        var part = new Parameters.ParameterComponent { Name = name };
        part.Part.AddRange(parts);
        return part;
    }

    private static Patient Apply(Patient patient, params Parameters.ParameterComponent[] operations) =>
        Assert.IsType<Patient>(FhirPathPatchApplier.Apply(patient, Patch(operations)));

    private static FhirException AssertFails(HttpStatusCode status, Patient patient, params Parameters.ParameterComponent[] operations)
    {
        var error = Assert.Throws<FhirException>(() => FhirPathPatchApplier.Apply(patient, Patch(operations)));
        Assert.Equal(status, error.Status);
        return error;
    }

    [Fact]
    public void Apply_ReplaceBirthDate_SetsNewDateAndLeavesInputUntouched()
    {
        var patient = NewPatient();

        var result = Apply(patient, Operation("replace", "Patient.birthDate", value: new Date("1980-02-03")));

        Assert.Equal("1980-02-03", result.BirthDate);
        Assert.Equal("1970-01-01", patient.BirthDate);
    }

    [Fact]
    public void Apply_ReplaceBirthDateWithValueString_ConvertsToDate()
    {
        var result = Apply(NewPatient(), Operation("replace", "Patient.birthDate", value: new FhirString("1980-02-03")));

        Assert.IsType<Date>(result.BirthDateElement);
        Assert.Equal("1980-02-03", result.BirthDate);
        Assert.Contains("\"birthDate\":\"1980-02-03\"", result.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ReplaceGenderWithValueCode_SetsBoundCode()
    {
        var result = Apply(NewPatient(), Operation("replace", "Patient.gender", value: new Code("female")));

        Assert.Equal(AdministrativeGender.Female, result.Gender);
        Assert.Contains("\"gender\":\"female\"", result.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ReplaceGenderWithUnknownCode_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("replace", "Patient.gender", value: new Code("robot")));
    }

    [Fact]
    public void Apply_ReplaceWithWrongType_ThrowsUnprocessable()
    {
        var error = AssertFails(
            HttpStatusCode.UnprocessableEntity,
            NewPatient(),
            Operation("replace", "Patient.birthDate", value: new FhirBoolean(true)));

        Assert.Contains("operation 0 (replace)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ReplaceChoiceElement_AcceptsAnyAllowedType()
    {
        var patient = NewPatient();
        patient.Deceased = new FhirBoolean(false);

        var result = Apply(patient, Operation("replace", "Patient.deceased", value: new FhirDateTime("2020-01-01")));

        Assert.Equal("2020-01-01", Assert.IsType<FhirDateTime>(result.Deceased).Value);
    }

    [Fact]
    public void Apply_ReplaceListItemSelectedByWhere_ReplacesOnlyThatItem()
    {
        var result = Apply(
            NewPatient(),
            Operation("replace", "Patient.identifier.where(system='y')", value: new Identifier("z", "3")));

        Assert.Equal(["x", "z"], result.Identifier.Select(i => i.System));
    }

    [Fact]
    public void Apply_ReplacePathSelectingNothing_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("replace", "Patient.maritalStatus", value: new CodeableConcept("s", "M")));
    }

    [Fact]
    public void Apply_ReplacePathSelectingSeveral_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("replace", "Patient.identifier", value: new Identifier("z", "3")));
    }

    [Fact]
    public void Apply_AddTelecom_AppendsContactPoint()
    {
        var patient = NewPatient();
        patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Email, null, "a@example.org"));

        var result = Apply(
            patient,
            Operation("add", "Patient", "telecom", new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, "090-0000-0000")));

        Assert.Equal(["a@example.org", "090-0000-0000"], result.Telecom.Select(t => t.Value));
        Assert.Single(patient.Telecom);
    }

    [Fact]
    public void Apply_AddEmptySingleElement_SetsIt()
    {
        var result = Apply(NewPatient(), Operation("add", "Patient", "active", new FhirBoolean(true)));

        Assert.True(result.Active);
    }

    [Fact]
    public void Apply_AddSingleElementThatHasAValue_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("add", "Patient", "birthDate", new Date("1999-01-01")));
    }

    [Fact]
    public void Apply_AddToNestedElement_AddsThere()
    {
        var result = Apply(NewPatient(), Operation("add", "Patient.name.where(family='Yamada')", "given", new FhirString("Saburo")));

        Assert.Equal(["Taro", "Jiro", "Saburo"], result.Name[0].Given);
    }

    [Fact]
    public void Apply_AddBackboneElementAsParts_BuildsIt()
    {
        var value = PartOf(
            "value",
            PartOf("name", Part("family", new FhirString("Suzuki")), Part("given", new FhirString("Hanako"))),
            Part("gender", new Code("female")),
            Part("relationship", new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0131", "N")));

        var result = Apply(NewPatient(), Operation("add", "Patient", "contact", valuePart: value));

        var contact = Assert.Single(result.Contact);
        Assert.NotNull(contact.Name);
        Assert.Equal("Suzuki", contact.Name.Family);
        Assert.Equal(["Hanako"], contact.Name.Given);
        Assert.Equal(AdministrativeGender.Female, contact.Gender);
        Assert.Equal("N", contact.Relationship.Single().Coding.Single().Code);
    }

    [Fact]
    public void Apply_AddExtensionAsParts_BuildsExtension()
    {
        var value = PartOf("value", Part("url", new FhirUri("http://example.org/ext")), Part("value", new FhirString("hello")));

        var result = Apply(NewPatient(), Operation("add", "Patient", "extension", valuePart: value));

        var extension = Assert.Single(result.Extension);
        Assert.Equal("http://example.org/ext", extension.Url);
        Assert.Equal("hello", Assert.IsType<FhirString>(extension.Value).Value);
    }

    [Fact]
    public void Apply_AddPartsWithUnknownElement_ThrowsUnprocessable()
    {
        var value = PartOf("value", Part("nonsense", new FhirString("x")));

        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("add", "Patient", "contact", valuePart: value));
    }

    [Fact]
    public void Apply_AddUnknownElementName_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("add", "Patient", "favouriteColour", new FhirString("blue")));
    }

    [Fact]
    public void Apply_InsertNameAtIndexZero_PutsItFirst()
    {
        var result = Apply(NewPatient(), Operation("insert", "Patient.name", value: new HumanName { Family = "Tanaka" }, index: 0));

        Assert.Equal(["Tanaka", "Yamada"], result.Name.Select(n => n.Family));
    }

    [Fact]
    public void Apply_InsertAtEndOfList_Appends()
    {
        var result = Apply(NewPatient(), Operation("insert", "Patient.identifier", value: new Identifier("z", "3"), index: 2));

        Assert.Equal(["x", "y", "z"], result.Identifier.Select(i => i.System));
    }

    [Fact]
    public void Apply_InsertIntoEmptyList_CreatesList()
    {
        var result = Apply(NewPatient(), Operation("insert", "Patient.telecom", value: new ContactPoint { Value = "1" }, index: 0));

        Assert.Equal("1", Assert.Single(result.Telecom).Value);
    }

    [Fact]
    public void Apply_InsertIndexPastEnd_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("insert", "Patient.identifier", value: new Identifier("z", "3"), index: 3));
    }

    [Fact]
    public void Apply_InsertIntoNonRepeatingElement_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("insert", "Patient.birthDate", value: new Date("2000-01-01"), index: 0));
    }

    [Fact]
    public void Apply_DeleteIdentifierSelectedByWhere_RemovesOnlyThatIdentifier()
    {
        var patient = NewPatient();

        var result = Apply(patient, Operation("delete", "Patient.identifier.where(system='x')"));

        Assert.Equal(["y"], result.Identifier.Select(i => i.System));
        Assert.Equal(2, patient.Identifier.Count);
    }

    [Fact]
    public void Apply_DeleteSingleElement_ClearsIt()
    {
        var result = Apply(NewPatient(), Operation("delete", "Patient.birthDate"));

        Assert.Null(result.BirthDateElement);
    }

    [Fact]
    public void Apply_DeletePrimitiveListItem_RemovesIt()
    {
        var result = Apply(NewPatient(), Operation("delete", "Patient.name[0].given[0]"));

        Assert.Equal(["Jiro"], result.Name[0].Given);
    }

    [Fact]
    public void Apply_DeleteMatchingNothing_Succeeds()
    {
        var result = Apply(NewPatient(), Operation("delete", "Patient.identifier.where(system='none')"));

        Assert.Equal(2, result.Identifier.Count);
    }

    [Fact]
    public void Apply_DeleteMatchingSeveral_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("delete", "Patient.identifier"));
    }

    [Fact]
    public void Apply_DeleteResourceItself_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("delete", "Patient"));
    }

    [Fact]
    public void Apply_DeleteComputedValue_ThrowsUnprocessable()
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("delete", "Patient.birthDate.toString()"));
    }

    [Fact]
    public void Apply_Move_ReordersList()
    {
        var patient = NewPatient();
        patient.Identifier.Add(new Identifier("z", "3"));

        var result = Apply(patient, Operation("move", "Patient.identifier", source: 0, destination: 2));

        Assert.Equal(["y", "z", "x"], result.Identifier.Select(i => i.System));
        Assert.Equal(["x", "y", "z"], patient.Identifier.Select(i => i.System));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(0, 2)]
    public void Apply_MoveIndexOutOfRange_ThrowsUnprocessable(int source, int destination)
    {
        AssertFails(HttpStatusCode.UnprocessableEntity, NewPatient(), Operation("move", "Patient.identifier", source: source, destination: destination));
    }

    [Fact]
    public void Apply_SeveralOperations_ApplyInOrder()
    {
        var result = Apply(
            NewPatient(),
            Operation("delete", "Patient.identifier.where(system='x')"),
            Operation("add", "Patient", "identifier", new Identifier("w", "4")),
            Operation("move", "Patient.identifier", source: 1, destination: 0),
            Operation("replace", "Patient.identifier[1].value", value: new FhirString("22")));

        Assert.Equal(["w", "y"], result.Identifier.Select(i => i.System));
        Assert.Equal("22", result.Identifier[1].Value);
    }

    [Fact]
    public void Apply_LaterOperationFails_ThrowsUnprocessableAndLeavesInputUntouched()
    {
        var patient = NewPatient();

        var error = AssertFails(
            HttpStatusCode.UnprocessableEntity,
            patient,
            Operation("replace", "Patient.birthDate", value: new Date("1980-02-03")),
            Operation("delete", "Patient.identifier.where(system='x')"),
            Operation("replace", "Patient.maritalStatus", value: new CodeableConcept("s", "M")));

        Assert.Contains("operation 2 (replace)", error.Message, StringComparison.Ordinal);
        Assert.Equal("Parameters.parameter[2]", error.Outcome.Issue.Single().Expression.Single());
        Assert.Equal("1970-01-01", patient.BirthDate);
        Assert.Equal(2, patient.Identifier.Count);
    }

    [Fact]
    public void Apply_InvalidFhirPath_ThrowsBadRequest()
    {
        AssertFails(HttpStatusCode.BadRequest, NewPatient(), Operation("delete", "Patient.identifier.where(("));
    }

    [Fact]
    public void Apply_UnknownType_ThrowsBadRequest()
    {
        AssertFails(HttpStatusCode.BadRequest, NewPatient(), Operation("upsert", "Patient.birthDate", value: new Date("2000-01-01")));
    }

    [Theory]
    [InlineData("add")]
    [InlineData("insert")]
    [InlineData("replace")]
    [InlineData("move")]
    public void Apply_MissingRequiredPart_ThrowsBadRequest(string type)
    {
        AssertFails(HttpStatusCode.BadRequest, NewPatient(), Operation(type, "Patient.identifier"));
    }

    [Fact]
    public void Apply_ParameterNotNamedOperation_ThrowsBadRequest()
    {
        var parameter = Operation("delete", "Patient.birthDate");
        parameter.Name = "op";

        AssertFails(HttpStatusCode.BadRequest, NewPatient(), parameter);
    }

    [Fact]
    public void Apply_UnknownPart_ThrowsBadRequest()
    {
        var parameter = Operation("delete", "Patient.birthDate");
        parameter.Part.Add(new() { Name = "colour", Value = new FhirString("blue") });

        AssertFails(HttpStatusCode.BadRequest, NewPatient(), parameter);
    }

    [Fact]
    public void Apply_NegativeIndex_ThrowsBadRequest()
    {
        AssertFails(HttpStatusCode.BadRequest, NewPatient(), Operation("insert", "Patient.name", value: new HumanName(), index: -1));
    }

    [Fact]
    public void Apply_EmptyPatch_ReturnsEqualCopy()
    {
        var patient = NewPatient();

        var result = FhirPathPatchApplier.Apply(patient, new Parameters());

        Assert.NotSame(patient, result);
        Assert.True(patient.IsExactly(result));
    }

    [Theory]
    [InlineData("Patient.identifier", "Patient", "identifier")]
    [InlineData("identifier", "", "identifier")]
    [InlineData("Patient.name.where(family = 'a.b').given", "Patient.name.where(family = 'a.b')", "given")]
    [InlineData("Patient.`name`", "Patient", "name")]
    public void TrySplitLastSegment_PlainLastSegment_Splits(string path, string containerPath, string name)
    {
        Assert.True(FhirPathPatchApplier.TrySplitLastSegment(path, out var actualContainer, out var actualName));
        Assert.Equal(containerPath, actualContainer);
        Assert.Equal(name, actualName);
    }

    [Theory]
    [InlineData("Patient.identifier.first()")]
    [InlineData("Patient.identifier[0]")]
    public void TrySplitLastSegment_FunctionOrIndexer_ReturnsFalse(string path)
    {
        Assert.False(FhirPathPatchApplier.TrySplitLastSegment(path, out _, out _));
    }
}
