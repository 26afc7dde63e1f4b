using System.Globalization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.History;

/// <summary>
/// The parameters of a history view: <c>start</c> and <c>end</c> (inclusive days, Japan time;
/// <c>2024</c>, <c>2024-04</c> or <c>2024-04-01</c>) and those the view adds (e.g. <c>code</c>).
/// Anything else is refused with 400 naming it.
/// </summary>
public sealed class HistoryParameters
{
    private HistoryParameters(DateOnly from, DateOnly until, IReadOnlyDictionary<string, List<string>> values)
    {
        From = from;
        Until = until;
        Values = values;
    }

    public DateOnly From { get; }

    public DateOnly Until { get; }

    public IReadOnlyDictionary<string, List<string>> Values { get; }

    public bool Covers(DateOnly day) => day >= From && day <= Until;

    /// <summary>Whether any day of [<paramref name="start"/>, <paramref name="end"/>] is in the period.</summary>
    public bool Overlaps(DateOnly start, DateOnly end) => start <= Until && end >= From;

    public static HistoryParameters Read(string operation, Parameters parameters, params string[] extra)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var parameter in parameters.Parameter)
        {
            if (parameter.Name is not ("start" or "end") && !extra.Contains(parameter.Name))
            {
                throw FhirException.BadRequest(
                    $"'{parameter.Name}' is not a parameter of ${operation} (use start, end{string.Concat(extra.Select(e => ", " + e))}).", parameter.Name);
            }

            var text = parameter.Value?.ToString() ?? "";
            if (!values.TryGetValue(parameter.Name!, out var list))
            {
                values[parameter.Name!] = list = [];
            }

            list.Add(text);
        }

        var from = values.TryGetValue("start", out var start) ? Day("start", start[^1], first: true) : DateOnly.MinValue;
        var until = values.TryGetValue("end", out var end) ? Day("end", end[^1], first: false) : DateOnly.MaxValue;
        if (until < from)
        {
            throw FhirException.BadRequest("end is before start.", "end");
        }

        return new HistoryParameters(from, until, values);
    }

    private static DateOnly Day(string name, string value, bool first)
    {
        var formats = new[] { "yyyy-MM-dd", "yyyy-MM", "yyyy" };
        foreach (var format in formats)
        {
            if (value.Length == format.Length && DateOnly.TryParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return first ? day : format switch
                {
                    "yyyy" => day.AddYears(1).AddDays(-1),
                    "yyyy-MM" => day.AddMonths(1).AddDays(-1),
                    _ => day,
                };
            }
        }

        throw FhirException.BadRequest($"{name} '{value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD).", name);
    }
}
