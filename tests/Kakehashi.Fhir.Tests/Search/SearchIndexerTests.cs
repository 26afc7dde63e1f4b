using Hl7.Fhir.Model;
using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Tests.Search;

[Collection(TimingSensitiveCollection.Name)]
public sealed class SearchIndexerTests
{
    private static readonly SearchIndexer Indexer = new(SearchParameterRegistry.Shared);

    private static long Us(string iso) => FhirDateRange.ToMicroseconds(DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture));

    private static Patient YamadaTaro() => new()
    {
        Id = "p1",
        Name =
        [
            new HumanName { Family = "山田", Given = ["太郎"] },
            new HumanName { Family = "ﾔﾏﾀﾞ", Given = ["ﾀﾛｳ"] },
        ],
        BirthDate = "1970-01-02",
        Gender = AdministrativeGender.Male,
        Identifier = [new Identifier("urn:oid:1.2.392.100495.20.3.51.1", "12345678")],
        Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "03-1234-5678")],
    };

    [Fact]
    public void Extract_PatientName_IndexesEachPartNormalized()
    {
        var index = Indexer.Extract(YamadaTaro());

        var names = index.Strings.Where(s => s.Param == "name").ToList();
        Assert.Contains(names, s => s.Exact == "山田" && s.Normalized == "山田");
        Assert.Contains(names, s => s.Exact == "ﾔﾏﾀﾞ" && s.Normalized == "やまだ");
        Assert.Contains(names, s => s.Exact == "ﾀﾛｳ" && s.Normalized == "たろう");
        Assert.Contains(index.Strings, s => s.Param == "family" && s.Exact == "山田");
        Assert.Contains(index.Strings, s => s.Param == "given" && s.Exact == "太郎");
    }

    [Fact]
    public void Extract_PatientBirthDate_IndexesTheWholeDay()
    {
        var index = Indexer.Extract(YamadaTaro());

        var birthDate = Assert.Single(index.Dates, d => d.Param == "birthdate");
        Assert.Equal(Us("1970-01-02T00:00:00Z"), birthDate.Start);
        Assert.Equal(Us("1970-01-03T00:00:00Z") - 1, birthDate.End);
    }

    [Fact]
    public void Extract_PatientIdentifier_IndexesSystemAndValue()
    {
        var index = Indexer.Extract(YamadaTaro());

        Assert.Contains(index.Tokens, t => t.Param == "identifier" && t.System == "urn:oid:1.2.392.100495.20.3.51.1" && t.Code == "12345678");
    }

    [Fact]
    public void Extract_PatientGenderAndPhone_IndexesCodeLiterals()
    {
        var index = Indexer.Extract(YamadaTaro());

        Assert.Contains(index.Tokens, t => t.Param == "gender" && t.Code == "male");
        Assert.Contains(index.Tokens, t => t.Param == "phone" && t.System == "phone" && t.Code == "03-1234-5678");
    }

    [Fact]
    public void Extract_PatientDeceasedFalse_IndexesComputedBoolean()
    {
        var patient = YamadaTaro();
        patient.Deceased = new FhirBoolean(false);

        var index = Indexer.Extract(patient);

        Assert.Contains(index.Tokens, t => t.Param == "deceased" && t.Code == "false");
    }

    [Fact]
    public void Extract_IdAndLastUpdated_AreLeftToTheResourcesTable()
    {
        var patient = YamadaTaro();
        patient.Meta = new Meta { LastUpdated = DateTimeOffset.UnixEpoch, Tag = [new Coding("http://example.org/tags", "vip")] };

        var index = Indexer.Extract(patient);

        Assert.DoesNotContain(index.Tokens, t => t.Param == "_id");
        Assert.DoesNotContain(index.Dates, d => d.Param == "_lastUpdated");
        Assert.Contains(index.Tokens, t => t.Param == "_tag" && t.System == "http://example.org/tags" && t.Code == "vip");
    }

    private static Observation BloodPressure() => new()
    {
        Id = "o1",
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "8480-6", "Systolic blood pressure", "収縮期血圧"),
        Subject = new ResourceReference("Patient/p1"),
        Performer = [new ResourceReference("#contained-practitioner"), new ResourceReference("https://other.example/fhir/Practitioner/9")],
        Effective = new Period { Start = "2024-04-01T09:00:00+09:00", End = "2024-04-01" },
        Value = new Quantity(120.5m, "mmHg") { System = "http://unitsofmeasure.org", Code = "mm[Hg]" },
    };

    [Fact]
    public void Extract_ObservationCode_IndexesCodingAndText()
    {
        var index = Indexer.Extract(BloodPressure());

        Assert.Contains(index.Tokens, t => t.Param == "code" && t.System == "http://loinc.org" && t.Code == "8480-6");
        Assert.Contains(index.Tokens, t => t.Param == "code" && t.Code == null && t.TextNormalized == "収縮期血圧");
    }

    [Fact]
    public void Extract_ObservationValueQuantity_IndexesValueWithUcumCode()
    {
        var index = Indexer.Extract(BloodPressure());

        var quantity = Assert.Single(index.Quantities, q => q.Param == "value-quantity");
        Assert.Equal(("http://unitsofmeasure.org", "mm[Hg]", 120.5m, 120.5m), (quantity.System, quantity.Code, quantity.Low, quantity.High));
    }

    [Fact]
    public void Extract_ObservationSubject_SplitsLocalReferenceAndFillsPatient()
    {
        var index = Indexer.Extract(BloodPressure());

        Assert.Contains(index.References, r => r.Param == "subject" && r.TargetType == "Patient" && r.TargetId == "p1" && r.Url == null);
        // "patient" is "subject.where(resolve() is Patient)": it needs the target type, not the target.
        Assert.Contains(index.References, r => r.Param == "patient" && r.TargetType == "Patient" && r.TargetId == "p1");
    }

    [Fact]
    public void Extract_ObservationPerformer_KeepsAbsoluteUrlAndSkipsContained()
    {
        var index = Indexer.Extract(BloodPressure());

        var performer = Assert.Single(index.References, r => r.Param == "performer");
        Assert.Equal("https://other.example/fhir/Practitioner/9", performer.Url);
        Assert.Null(performer.TargetId);
    }

    [Fact]
    public void Extract_ObservationEffectivePeriod_SpansStartToEndOfItsPrecision()
    {
        var index = Indexer.Extract(BloodPressure());

        var date = Assert.Single(index.Dates, d => d.Param == "date");
        Assert.Equal(Us("2024-04-01T00:00:00Z"), date.Start);
        Assert.Equal(Us("2024-04-02T00:00:00Z") - 1, date.End);
    }

    [Fact]
    public void Extract_ChoiceElementCasts_IndexOnlyTheMatchingType()
    {
        var text = Indexer.Extract(new Observation { Value = new FhirString("Positive") });
        var concept = Indexer.Extract(new Observation { Value = new CodeableConcept("http://snomed.info/sct", "10828004", null, "陽性") });
        var period = Indexer.Extract(new Observation { Value = new Period { Start = "2020-01-01" } });

        Assert.Contains(text.Strings, s => s.Param == "value-string" && s.Exact == "Positive");
        Assert.DoesNotContain(text.Tokens, t => t.Param == "value-concept");
        Assert.Contains(concept.Tokens, t => t.Param == "value-concept" && t.Code == "10828004");
        Assert.Contains(concept.Strings, s => s.Param == "value-string" && s.Exact == "陽性");
        Assert.Contains(period.Dates, d => d.Param == "value-date" && d.End == FhirDateRange.MaxValue);
    }

    [Fact]
    public void Extract_OpenPeriod_ReachesTheEndOfTime()
    {
        var encounter = new Encounter { Status = Encounter.EncounterStatus.InProgress, Period = new Period { Start = "2024-04-01" } };

        var index = Indexer.Extract(encounter);

        var date = Assert.Single(index.Dates, d => d.Param == "date");
        Assert.Equal(FhirDateRange.MaxValue, date.End);
    }

    [Fact]
    public void Extract_ReferenceIdentifier_IsIndexedForIdentifierModifier()
    {
        var observation = BloodPressure();
        observation.Subject = new ResourceReference { Identifier = new Identifier("urn:example:mrn", "A1") };

        var index = Indexer.Extract(observation);

        Assert.Contains(index.Tokens, t => t.Param == "subject:identifier" && t.System == "urn:example:mrn" && t.Code == "A1");
    }

    [Fact]
    public void Extract_AddedDefinition_IsUsedForLaterResources()
    {
        var registry = new SearchParameterRegistry();
        var indexer = new SearchIndexer(registry);
        indexer.Extract(YamadaTaro());

        registry.Add(new SearchParameterDefinition("Patient", "birth-year-note", SearchParamType.String, "Patient.name.text", []));
        var patient = YamadaTaro();
        patient.Name[0].Text = "山田 太郎";

        Assert.Contains(indexer.Extract(patient).Strings, s => s.Param == "birth-year-note" && s.Exact == "山田 太郎");
    }
}
