using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;
using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Tests.Search;

public sealed class SearchQueryParserTests
{
    private static readonly SearchQueryParser Parser = new(SearchParameterRegistry.Shared);

    private static SearchQuery Parse(string? type, params (string Key, string Value)[] parameters) =>
        Parser.Parse(type, parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)), lenient: false);

    private static SearchQuery ParseLenient(string? type, params (string Key, string Value)[] parameters) =>
        Parser.Parse(type, parameters.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)), lenient: true);

    private static long Us(string iso) => FhirDateRange.ToMicroseconds(DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Parse_UnknownParameter_ThrowsBadRequestNamingIt()
    {
        var error = Assert.Throws<FhirException>(() => Parse("Patient", ("shoe-size", "42")));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains("shoe-size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownParameterWhenLenient_IsRecordedAndSkipped()
    {
        var query = ParseLenient("Patient", ("shoe-size", "42"), ("family", "yamada"));

        Assert.Equal(["shoe-size"], query.IgnoredParameters);
        Assert.IsType<StringCondition>(Assert.Single(query.Conditions));
    }

    [Fact]
    public void Parse_MalformedDate_ThrowsBadRequestNamingIt()
    {
        var error = Assert.Throws<FhirException>(() => Parse("Patient", ("birthdate", "ge1970-13")));

        Assert.Contains("birthdate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MalformedValueWhenLenient_IsRecordedAndSkipped()
    {
        var query = ParseLenient("Observation", ("value-quantity", "lots"));

        Assert.Equal(["value-quantity"], query.IgnoredParameters);
        Assert.Empty(query.Conditions);
    }

    [Fact]
    public void Parse_UnsupportedModifier_ThrowsBadRequest()
    {
        var error = Assert.Throws<FhirException>(() => Parse("Patient", ("birthdate:exact", "1970")));

        Assert.Contains("birthdate:exact", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1970", SearchPrefix.Eq)]
    [InlineData("ge1970", SearchPrefix.Ge)]
    [InlineData("lt1970", SearchPrefix.Lt)]
    [InlineData("sa1970", SearchPrefix.Sa)]
    [InlineData("eb1970", SearchPrefix.Eb)]
    [InlineData("ne1970", SearchPrefix.Ne)]
    public void Parse_DatePrefix_KeepsPrefixAndPrecisionRange(string value, SearchPrefix prefix)
    {
        var condition = Assert.IsType<DateCondition>(Assert.Single(Parse("Patient", ("birthdate", value)).Conditions));

        Assert.Equal(new DateValue(prefix, Us("1970-01-01T00:00:00Z"), Us("1971-01-01T00:00:00Z") - 1), Assert.Single(condition.Values));
    }

    [Fact]
    public void Parse_ApproximateDate_WidensTheRange()
    {
        var condition = Assert.IsType<DateCondition>(Assert.Single(Parse("Patient", ("birthdate", "ap1970-01-01")).Conditions));

        var value = Assert.Single(condition.Values);
        Assert.True(value.Start < Us("1970-01-01T00:00:00Z") && value.End > Us("1970-01-02T00:00:00Z"));
    }

    [Fact]
    public void Parse_Number_ImpliesRangeFromPrecision()
    {
        var condition = Assert.IsType<NumberCondition>(Assert.Single(Parse("RiskAssessment", ("probability", "gt0.8")).Conditions));

        Assert.Equal(new NumberValue(SearchPrefix.Gt, 0.8m, 0.75m, 0.85m), Assert.Single(condition.Values));
    }

    [Fact]
    public void Parse_QuantityWithSystemAndCode_KeepsUnit()
    {
        var condition = Assert.IsType<QuantityCondition>(Assert.Single(
            Parse("Observation", ("value-quantity", "le5.4|urn:local-units|mg")).Conditions));

        var value = Assert.Single(condition.Values);
        Assert.Equal((SearchPrefix.Le, 5.4m, "urn:local-units", "mg"), (value.Number.Prefix, value.Number.Value, value.System, value.Code));
    }

    [Fact]
    public void Parse_UcumQuantity_IsComparedInTheCanonicalUnit()
    {
        var condition = Assert.IsType<QuantityCondition>(Assert.Single(
            Parse("Observation", ("value-quantity", "le5.4|http://unitsofmeasure.org|mg")).Conditions));

        Assert.Equal("value-quantity" + KnownSearchParameters.CanonicalSuffix, condition.Param);
        var value = Assert.Single(condition.Values);
        Assert.Equal((SearchPrefix.Le, 0.0054m, "http://unitsofmeasure.org", "g"), (value.Number.Prefix, value.Number.Value, value.System, value.Code));
    }

    [Fact]
    public void Parse_UcumAndOtherQuantities_BecomeAnOr()
    {
        var condition = Assert.IsType<AnyCondition>(Assert.Single(
            Parse("Observation", ("value-quantity", "5|http://unitsofmeasure.org|mg,5||tablets")).Conditions));

        Assert.Equal(2, condition.Alternatives.Count);
    }

    [Fact]
    public void Parse_TokenForms_DistinguishSystemAndCode()
    {
        var condition = Assert.IsType<TokenCondition>(Assert.Single(
            Parse("Observation", ("code", "http://loinc.org|8480-6,|local,http://jlac10|,8462-4")).Conditions));

        Assert.Equal(
            [
                new TokenValue("http://loinc.org", "8480-6"),
                new TokenValue(null, "local", SystemMustBeAbsent: true),
                new TokenValue("http://jlac10", null),
                new TokenValue(null, "8462-4"),
            ],
            condition.Values);
    }

    [Fact]
    public void Parse_RepeatedParameter_IsAndWhileCommaIsOr()
    {
        var query = Parse("Patient", ("given", "taro,jiro"), ("given", "ichi"));

        Assert.Equal(2, query.Conditions.Count);
        Assert.Equal(["taro", "jiro"], Assert.IsType<StringCondition>(query.Conditions[0]).Values);
    }

    [Fact]
    public void Parse_EscapedComma_IsPartOfTheValue()
    {
        var condition = Assert.IsType<StringCondition>(Assert.Single(Parse("Patient", ("family", @"a\,b")).Conditions));

        Assert.Equal(["a,b"], condition.Values);
    }

    [Fact]
    public void Parse_StringValue_IsNormalizedForPrefixMatch()
    {
        var condition = Assert.IsType<StringCondition>(Assert.Single(Parse("Patient", ("name", "ﾔﾏﾀﾞ")).Conditions));

        Assert.Equal(StringMatch.StartsWith, condition.Match);
        Assert.Equal(["やまだ"], condition.Values);
    }

    [Theory]
    [InlineData("name:exact", StringMatch.Exact, "Yamada")]
    [InlineData("name:contains", StringMatch.Contains, "yamada")]
    public void Parse_StringModifiers_SelectTheMatch(string key, StringMatch match, string expected)
    {
        var condition = Assert.IsType<StringCondition>(Assert.Single(Parse("Patient", (key, "Yamada")).Conditions));

        Assert.Equal((match, expected), (condition.Match, Assert.Single(condition.Values)));
    }

    [Fact]
    public void Parse_MissingModifier_BecomesMissingCondition()
    {
        var condition = Assert.Single(Parse("Patient", ("birthdate:missing", "true")).Conditions);

        Assert.Equal(new MissingCondition("birthdate", SearchParamType.Date, true), condition);
    }

    [Fact]
    public void Parse_TokenNot_WrapsTheTokenCondition()
    {
        var condition = Assert.IsType<NotCondition>(Assert.Single(Parse("Patient", ("gender:not", "male")).Conditions));

        Assert.IsType<TokenCondition>(condition.Inner);
    }

    [Fact]
    public void Parse_TokenText_MatchesNormalizedText()
    {
        var condition = Assert.IsType<TokenCondition>(Assert.Single(Parse("Observation", ("code:text", "収縮期")).Conditions));

        Assert.True(condition.MatchText);
        Assert.Equal("収縮期", Assert.Single(condition.Values).Code);
    }

    [Fact]
    public void Parse_ReferenceWithTypeModifierAndBareId_CombinesThem()
    {
        var condition = Assert.IsType<ReferenceCondition>(Assert.Single(Parse("Observation", ("subject:Patient", "p1")).Conditions));

        Assert.Equal(new ReferenceValue("Patient", "p1", null), Assert.Single(condition.Values));
    }

    [Fact]
    public void Parse_ReferenceForms_SplitLocalAndKeepAbsolute()
    {
        var condition = Assert.IsType<ReferenceCondition>(Assert.Single(
            Parse("Observation", ("subject", "Patient/p1/_history/2,https://other.example/fhir/Patient/9")).Conditions));

        Assert.Equal([new ReferenceValue("Patient", "p1", null), new ReferenceValue(null, null, "https://other.example/fhir/Patient/9")], condition.Values);
    }

    [Fact]
    public void Parse_ReferenceTypeModifierNotATarget_ThrowsBadRequest()
    {
        Assert.Throws<FhirException>(() => Parse("Observation", ("subject:Medication", "m1")));
    }

    [Fact]
    public void Parse_ReferenceIdentifier_SearchesTheIdentifierTokens()
    {
        var condition = Assert.IsType<TokenCondition>(Assert.Single(Parse("Observation", ("subject:identifier", "urn:example:mrn|A1")).Conditions));

        Assert.Equal("subject:identifier", condition.Param);
    }

    [Fact]
    public void Parse_ChainWithTypeModifier_TargetsThatType()
    {
        var chain = Assert.IsType<ChainCondition>(Assert.Single(Parse("Observation", ("subject:Patient.name", "yamada")).Conditions));

        Assert.Equal("subject", chain.Param);
        Assert.Equal(["Patient"], chain.TargetTypes);
        Assert.Equal("name", Assert.IsType<StringCondition>(chain.Inner).Param);
    }

    [Fact]
    public void Parse_ChainWithoutType_UsesTargetsThatDefineTheParameter()
    {
        var chain = Assert.IsType<ChainCondition>(Assert.Single(Parse("Observation", ("subject.birthdate", "1970")).Conditions));

        Assert.Equal(["Patient"], chain.TargetTypes);
        Assert.IsType<DateCondition>(chain.Inner);
    }

    [Fact]
    public void Parse_TwoLevelChain_NestsConditions()
    {
        var chain = Assert.IsType<ChainCondition>(Assert.Single(
            Parse("Observation", ("subject:Patient.organization.name", "kakehashi")).Conditions));

        var inner = Assert.IsType<ChainCondition>(chain.Inner);
        Assert.Equal("organization", inner.Param);
        Assert.Equal(["Organization"], inner.TargetTypes);
        Assert.IsType<StringCondition>(inner.Inner);
    }

    [Fact]
    public void Parse_ChainFromNonReference_ThrowsBadRequest()
    {
        Assert.Throws<FhirException>(() => Parse("Patient", ("name.family", "x")));
    }

    [Fact]
    public void Parse_Has_BuildsReverseChain()
    {
        var has = Assert.IsType<HasCondition>(Assert.Single(Parse("Patient", ("_has:Observation:patient:code", "8480-6")).Conditions));

        Assert.Equal(("Observation", "patient"), (has.SourceType, has.Param));
        Assert.IsType<TokenCondition>(has.Inner);
    }

    [Fact]
    public void Parse_NestedHas_NestsConditions()
    {
        var has = Assert.IsType<HasCondition>(Assert.Single(
            Parse("Patient", ("_has:Observation:patient:_has:Provenance:target:agent", "Practitioner/1")).Conditions));

        var inner = Assert.IsType<HasCondition>(has.Inner);
        Assert.Equal(("Provenance", "target"), (inner.SourceType, inner.Param));
    }

    [Fact]
    public void Parse_HasWithReferenceThatCannotPointHere_ThrowsBadRequest()
    {
        Assert.Throws<FhirException>(() => Parse("Medication", ("_has:Observation:patient:code", "x")));
    }

    [Fact]
    public void Parse_IdAndLastUpdated_UseTheirOwnConditions()
    {
        var query = Parse("Patient", ("_id", "a,b"), ("_lastUpdated", "gt2024-01-01"));

        Assert.Equal(["a", "b"], Assert.IsType<IdCondition>(query.Conditions[0]).Ids);
        Assert.Equal(KnownSearchParameters.LastUpdated, Assert.IsType<DateCondition>(query.Conditions[1]).Param);
    }

    [Fact]
    public void Parse_NoCount_DefaultsToTwenty()
    {
        Assert.Equal(20, Parse("Patient").Count);
    }

    [Fact]
    public void Parse_HugeCount_IsClamped()
    {
        Assert.Equal(SearchQuery.MaxCount, Parse("Patient", ("_count", "50000")).Count);
    }

    [Fact]
    public void Parse_NegativeCount_ThrowsBadRequest()
    {
        Assert.Throws<FhirException>(() => Parse("Patient", ("_count", "-1")));
    }

    [Fact]
    public void Parse_Sort_KeepsKeysInOrderWithDirection()
    {
        var query = Parse("Observation", ("_sort", "-date,code,_id"));

        Assert.Equal(
            [new SortKey("date", SearchParamType.Date, true), new SortKey("code", SearchParamType.Token, false), new SortKey("_id", SearchParamType.Token, false)],
            query.Sort);
    }

    [Fact]
    public void Parse_SortByReference_ThrowsBadRequest()
    {
        Assert.Throws<FhirException>(() => Parse("Observation", ("_sort", "subject")));
    }

    [Theory]
    [InlineData("accurate", SearchTotalMode.Accurate)]
    [InlineData("estimate", SearchTotalMode.Estimate)]
    [InlineData("none", SearchTotalMode.None)]
    public void Parse_Total_SetsMode(string value, SearchTotalMode mode)
    {
        Assert.Equal(mode, Parse("Patient", ("_total", value)).Total);
    }

    [Fact]
    public void Parse_IncludesAndRevIncludes_AreCollected()
    {
        var query = Parse(
            "Observation",
            ("_include", "Observation:subject:Patient"),
            ("_include:iterate", "Patient:organization"),
            ("_revinclude", "Provenance:target"),
            ("_include", "*"));

        Assert.Equal(
            [new IncludeSpec("Observation", "subject", "Patient", false), new IncludeSpec("Patient", "organization", null, true), new IncludeSpec("Observation", null, null, false)],
            query.Includes);
        Assert.Equal([new IncludeSpec("Provenance", "target", null, false)], query.RevIncludes);
    }

    [Fact]
    public void Parse_IncludeOfNonReference_ThrowsBadRequest()
    {
        Assert.Throws<FhirException>(() => Parse("Observation", ("_include", "Observation:code")));
    }

    [Fact]
    public void Parse_ParametersHandledElsewhere_AreIgnoredNotRejected()
    {
        var query = Parse("Patient", ("_format", "json"), ("_pretty", "true"), ("_summary", "true"), ("_elements", "name,birthDate"), ("_offset", "40"));

        Assert.Empty(query.Conditions);
        Assert.Empty(query.IgnoredParameters);
        Assert.Equal(40, query.Offset);
        Assert.Equal(["name", "birthDate"], query.Elements);
    }

    [Fact]
    public void Parse_SummaryCount_AsksOnlyForTheTotal()
    {
        var query = Parse("Patient", ("_summary", "count"));

        Assert.Equal((0, SearchTotalMode.Accurate), (query.Count, query.Total));
    }

    [Fact]
    public void Parse_CommonParameterOnSystemSearch_IsAccepted()
    {
        var condition = Assert.IsType<TokenCondition>(Assert.Single(Parse(null, ("_tag", "http://example.org/tags|vip")).Conditions));

        Assert.Equal("_tag", condition.Param);
    }

    [Fact]
    public void Parse_UnknownResourceType_ThrowsNotFound()
    {
        Assert.Equal(HttpStatusCode.NotFound, Assert.Throws<FhirException>(() => Parse("Shoe")).Status);
    }
}
