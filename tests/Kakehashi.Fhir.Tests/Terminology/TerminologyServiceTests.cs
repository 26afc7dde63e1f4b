using Hl7.Fhir.Model;
using Kakehashi.Fhir.Conformance;
using Kakehashi.Fhir.Terminology;
using Kakehashi.Fhir.Tests.Conformance;

namespace Kakehashi.Fhir.Tests.Terminology;

public sealed class TerminologyServiceTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    private static CodeSystem Lab(string url) => new()
    {
        Url = url,
        Status = PublicationStatus.Active,
        Content = CodeSystemContentMode.Complete,
        Concept =
        [
            new() { Code = "CHEM", Display = "生化学", Concept = [new() { Code = "GLU", Display = "血糖" }, new() { Code = "HBA1C", Display = "HbA1c" }] },
            new() { Code = "HEM", Display = "血液学", Concept = [new() { Code = "WBC", Display = "白血球数" }] },
        ],
    };

    [Fact]
    public void FlatCodeSystem_ResolvesTheHierarchy_AndFilters()
    {
        var flat = FlatCodeSystem.For(Lab("http://example.jp/cs"));
        Assert.True(flat.IsA("GLU", "CHEM"));
        Assert.False(flat.IsA("WBC", "CHEM"));
        Assert.Equal(["CHEM"], flat.Parents("HBA1C"));
        var isA = new ValueSet.FilterComponent { Property = "concept", Op = FilterOperator.IsA, Value = "CHEM" };
        var descendant = new ValueSet.FilterComponent { Property = "concept", Op = FilterOperator.DescendentOf, Value = "CHEM" };
        var regex = new ValueSet.FilterComponent { Property = "code", Op = FilterOperator.Regex, Value = "H.*" };
        Assert.Equal(["CHEM", "GLU", "HBA1C"], flat.Concepts.Where(c => flat.Matches(c, isA)).Select(c => c.Code));
        Assert.Equal(["GLU", "HBA1C"], flat.Concepts.Where(c => flat.Matches(c, descendant)).Select(c => c.Code));
        Assert.Equal(["HBA1C", "HEM"], flat.Concepts.Where(c => flat.Matches(c, regex)).Select(c => c.Code).Order());
    }

    [Fact]
    public async System.Threading.Tasks.Task Expand_InlineComposeOverAPackagedCodeSystem_WithExclude()
    {
        var valueSet = new ValueSet
        {
            Compose = new ValueSet.ComposeComponent
            {
                Include = [new() { ValueSet = ["http://jpfhir.jp/fhir/core/ValueSet/JP_ConclusionCodesJed_VS"] }],
            },
        };
        var all = await fixture.Terminology.ExpandAsync(valueSet, CancellationToken.None);
        Assert.True(all.Count > 100);
        Assert.All(all, c => Assert.Equal("urn:oid:1.2.392.200270.4.1000.1", c.System));

        valueSet.Compose.Exclude = [new() { System = "http://jpfhir.jp/fhir/core/CodeSystem/JP_EndoscopyTerminologyCodesJED_CS", Concept = [new() { Code = all[0].Code }] }];
        var fewer = await fixture.Terminology.ExpandAsync(valueSet, CancellationToken.None);
        Assert.Equal(all.Count - 1, fewer.Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task Membership_IsUnknown_ForACodeSystemWithoutContent()
    {
        var valueSet = new ValueSet { Compose = new ValueSet.ComposeComponent { Include = [new() { System = "http://loinc.org" }] } };
        Assert.Equal(Membership.Unknown, await fixture.Terminology.IsMemberAsync(valueSet, "http://loinc.org", "1234-5", CancellationToken.None));
        Assert.Equal(Membership.No, await fixture.Terminology.IsMemberAsync(valueSet, "http://snomed.info/sct", "1", CancellationToken.None));
        await Assert.ThrowsAsync<TerminologyException>(() => fixture.Terminology.ExpandAsync(valueSet, CancellationToken.None));
    }

    [Fact]
    public async System.Threading.Tasks.Task UnknownValueSet_ExpandsToNull_ForSearch()
    {
        Assert.Null(await fixture.Terminology.ExpandAsync("http://example.jp/ValueSet/none", CancellationToken.None));
    }

    [Fact]
    public async System.Threading.Tasks.Task ValidatorTerminology_AnswersThroughAliases()
    {
        var expansion = await fixture.Terminology.ExpandAsync(new ValueSet { Compose = new() { Include = [new() { ValueSet = ["http://jpfhir.jp/fhir/core/ValueSet/JP_ConclusionCodesJed_VS"] }] } }, CancellationToken.None);
        var parameters = new Parameters();
        parameters.Add("url", new FhirUri("http://jpfhir.jp/fhir/core/ValueSet/JP_ConclusionCodesJed_VS"));
        parameters.Add("coding", new Coding("http://jpfhir.jp/fhir/core/CodeSystem/JP_EndoscopyTerminologyCodesJED_CS", expansion[0].Code));
        var result = await fixture.Terminology.ValueSetValidateCode(parameters);
        Assert.Equal(true, (result.Parameter.Single(p => p.Name == "result").Value as FhirBoolean)?.Value);
    }

    [Fact]
    public void NamingSystem_PreferredUriIsCanonical_OidsBecomeUrnOid()
    {
        var aliases = new CodeSystemAliases();
        var namingSystem = new NamingSystem
        {
            UniqueId =
            [
                new() { Type = NamingSystem.NamingSystemIdentifierType.Oid, Value = "1.2.3" },
                new() { Type = NamingSystem.NamingSystemIdentifierType.Uri, Value = "urn:oid:1.2.3", Preferred = true },
                new() { Type = NamingSystem.NamingSystemIdentifierType.Uri, Value = "http://example.jp/cs" },
            ],
        };
        Assert.Equal("urn:oid:1.2.3", NamingSystemAliases.Register(namingSystem, aliases));
        Assert.Equal("urn:oid:1.2.3", aliases.Canonical("http://example.jp/cs"));
        Assert.Equal(["urn:oid:1.2.3", "http://example.jp/cs"], aliases.AllNames("http://example.jp/cs"));
    }

    [Fact]
    public void PackagedNamingSystems_AreLoaded()
    {
        Assert.Equal("urn:oid:1.2.392.200250.2.2.2", fixture.Aliases.Canonical("http://jpfhir.jp/fhir/core/CodeSystem/JP_Department_SsMix_CS"));
        Assert.Equal(KnownConformanceTypes.NamingSystem, fixture.Catalog.OfType(KnownConformanceTypes.NamingSystem).First().ResourceType);
    }
}
