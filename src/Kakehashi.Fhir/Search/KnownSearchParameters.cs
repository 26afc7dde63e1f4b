namespace Kakehashi.Fhir.Search;

/// <summary>Names of the parameters that the engine treats specially.</summary>
public static class KnownSearchParameters
{
    public const string AllTypes = "Resource";

    public const string Id = "_id";
    public const string LastUpdated = "_lastUpdated";
    public const string Tag = "_tag";
    public const string Profile = "_profile";
    public const string Security = "_security";
    public const string Source = "_source";
    public const string Has = "_has";
    public const string Type = "_type";
    public const string List = "_list";
    public const string Text = "_text";
    public const string Content = "_content";
    public const string Contained = "_contained";
    public const string ContainedType = "_containedType";

    public const string Count = "_count";
    public const string Offset = "_offset";
    public const string Sort = "_sort";
    public const string Total = "_total";
    public const string Include = "_include";
    public const string RevInclude = "_revinclude";
    public const string Summary = "_summary";
    public const string Elements = "_elements";
    public const string Format = "_format";
    public const string Pretty = "_pretty";

    /// <summary>Suffix of the token entries that index <c>Reference.identifier</c> for <c>:identifier</c>.</summary>
    public const string IdentifierSuffix = ":identifier";

    /// <summary>Suffix of the token entries that index Identifier type and value together for <c>:of-type</c>.</summary>
    public const string OfTypeSuffix = ":of-type";

    /// <summary>Suffix of the quantity entries holding the value in its canonical UCUM unit (see <see cref="UcumUnits"/>).</summary>
    public const string CanonicalSuffix = ":canonical";
}
