namespace Kakehashi.Fhir.Search;

/// <summary>
/// How composite values are indexed without a table of their own: each component value is an
/// ordinary typed index row whose param is <c>code.j$g</c> — component <c>j</c> of element
/// <c>g</c> — so a query joins the rows of one element by their shared <c>$g</c>.
/// </summary>
public static class CompositeNames
{
    public const char GroupSeparator = '$';

    /// <summary>The param prefix of component <paramref name="index"/>, e.g. <c>code-value-quantity.1</c>.</summary>
    public static string Component(string code, int index) =>
        code + "." + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The indexed param of a component value of element <paramref name="group"/>.</summary>
    public static string Indexed(string code, int index, int group) =>
        Component(code, index) + GroupSeparator + group.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
