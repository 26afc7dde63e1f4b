using System.Diagnostics.CodeAnalysis;

namespace Kakehashi.Fhir.Security;

/// <summary>
/// One SMART App Launch v2 resource scope, e.g. <c>user/Observation.rs?category=laboratory</c>,
/// or a v1 scope (<c>.read</c>, <c>.write</c>, <c>.*</c>) mapped to its v2 letters.
/// </summary>
public sealed record SmartScope(string Context, string ResourceType, string Actions, IReadOnlyList<KeyValuePair<string, string>> Narrowing)
{
    public const string Letters = "cruds";

    public bool IsWildcard => ResourceType == "*";

    public bool Grants(string resourceType, char action) =>
        (IsWildcard || ResourceType == resourceType) && Actions.Contains(action, StringComparison.Ordinal);

    public static IReadOnlyList<SmartScope> ParseAll(string? scopes)
    {
        var result = new List<SmartScope>();
        foreach (var item in (scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TryParse(item, out var scope))
            {
                result.Add(scope);
            }
        }

        return result;
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out SmartScope? scope)
    {
        scope = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        var context = text[..slash];
        if (context is not ("patient" or "user" or "system"))
        {
            return false;
        }

        var rest = text[(slash + 1)..];
        IReadOnlyList<KeyValuePair<string, string>> narrowing = [];
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            narrowing = [.. rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                return equals <= 0
                    ? new KeyValuePair<string, string>(Uri.UnescapeDataString(pair), "")
                    : new KeyValuePair<string, string>(Uri.UnescapeDataString(pair[..equals]), Uri.UnescapeDataString(pair[(equals + 1)..]));
            })];
            rest = rest[..question];
        }

        var dot = rest.LastIndexOf('.');
        if (dot <= 0)
        {
            return false;
        }

        var type = rest[..dot];
        var actions = rest[(dot + 1)..] switch
        {
            "read" => "rs",
            "write" => "cud",
            "*" => "cruds",
            var letters when IsOrderedSubset(letters) => letters,
            _ => null,
        };
        if (actions is null || (type != "*" && (type.Length == 0 || !char.IsUpper(type[0]))))
        {
            return false;
        }

        scope = new SmartScope(context, type, actions, narrowing);
        return true;
    }

    public override string ToString() =>
        Context + "/" + ResourceType + "." + Actions +
        (Narrowing.Count == 0 ? "" : "?" + string.Join("&", Narrowing.Select(n => Uri.EscapeDataString(n.Key) + "=" + Uri.EscapeDataString(n.Value))));

    // SMART v2 requires the letters in the order c, r, u, d, s, each at most once.
    private static bool IsOrderedSubset(string letters)
    {
        if (letters.Length == 0)
        {
            return false;
        }

        var position = -1;
        foreach (var letter in letters)
        {
            var index = Letters.IndexOf(letter, StringComparison.Ordinal);
            if (index <= position)
            {
                return false;
            }

            position = index;
        }

        return true;
    }
}
