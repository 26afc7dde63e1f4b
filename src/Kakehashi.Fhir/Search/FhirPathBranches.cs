using System.Text;
using System.Text.RegularExpressions;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Shared R4 parameters list one branch per resource type ("Condition.code | Observation.code |
/// …"). Evaluating only the branches for the type being indexed keeps indexing fast on writes.
/// </summary>
internal static partial class FhirPathBranches
{
    public static string ForType(string expression, string resourceType)
    {
        var branches = SplitUnion(expression);
        if (branches.Count == 1)
        {
            return FasterCast(expression);
        }

        var kept = branches.Where(b => AppliesTo(b, resourceType)).Select(FasterCast).ToList();
        // An expression not written per type (no branch names a type) is kept whole.
        return kept.Count == 0 && !branches.Any(b => StartsWithTypeName(b)) ? expression : string.Join(" | ", kept);
    }

    /// <summary>
    /// "(Observation.value as Quantity)" means the same as "Observation.value.ofType(Quantity)"
    /// for a choice element, but Firely evaluates the operator about three times slower, and
    /// these branches run for every Observation written.
    /// </summary>
    private static string FasterCast(string branch)
    {
        var match = CastBranch().Match(branch);
        return match.Success ? match.Groups["path"].Value + ".ofType(" + match.Groups["type"].Value + ")" : branch;
    }

    [GeneratedRegex(@"^\(?\s*(?<path>[A-Za-z][A-Za-z0-9_.]*)\s+as\s+(?<type>[A-Za-z]+)\s*\)?$")]
    private static partial Regex CastBranch();

    private static bool AppliesTo(string branch, string resourceType)
    {
        var path = branch.TrimStart('(', ' ');
        return path.StartsWith(resourceType + ".", StringComparison.Ordinal)
            || path == resourceType
            || path.StartsWith(KnownSearchParameters.AllTypes + ".", StringComparison.Ordinal)
            || path.StartsWith("DomainResource.", StringComparison.Ordinal);
    }

    private static bool StartsWithTypeName(string branch)
    {
        var path = branch.TrimStart('(', ' ');
        return path.Length > 0 && char.IsAsciiLetterUpper(path[0]);
    }

    /// <summary>Splits on '|' outside parentheses and string literals.</summary>
    private static List<string> SplitUnion(string expression)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        var inString = false;
        foreach (var c in expression)
        {
            if (c == '\'')
            {
                inString = !inString;
            }
            else if (!inString && c == '(')
            {
                depth++;
            }
            else if (!inString && c == ')')
            {
                depth--;
            }
            else if (!inString && depth == 0 && c == '|')
            {
                parts.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        parts.Add(current.ToString().Trim());
        return parts;
    }
}
