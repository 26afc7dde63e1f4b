namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>SQL text with named parameters (<c>@p0</c>…), valid on every supported dialect.</summary>
public sealed class SqlStatement(string text)
{
    public string Text { get; set; } = text;

    public List<KeyValuePair<string, object?>> Parameters { get; } = [];

    public string Add(object? value)
    {
        var name = "@p" + Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Parameters.Add(new(name, value));
        return name;
    }
}
