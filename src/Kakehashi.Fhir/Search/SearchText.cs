using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// The text behind <c>_text</c> (the narrative) and <c>_content</c> (every string of the
/// resource, the narrative included), folded like string search (<see cref="TextNormalizer"/>)
/// and kept at write time in <c>idx_text</c>, one row per parameter. Codes, ids, URIs, dates and
/// numbers are not text and are left out.
/// </summary>
public static partial class SearchText
{
    /// <summary>Longer text is cut: a search term is a few words, and a row must stay small.</summary>
    public const int MaxLength = 20_000;

    public static string? NarrativeOf(Resource resource) =>
        resource is DomainResource { Text.Div: { Length: > 0 } div } ? Fold(Untag(div)) : null;

    public static string? ContentOf(Resource resource)
    {
        var text = new StringBuilder();
        foreach (var node in Descendants(resource))
        {
            var value = node switch
            {
                FhirString s => s.Value,
                Markdown m => m.Value,
                Narrative n => n.Div is null ? null : Untag(n.Div),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(value))
            {
                text.Append(value).Append(' ');
                if (text.Length > MaxLength)
                {
                    break;
                }
            }
        }

        return Fold(text.ToString());
    }

    private static string? Fold(string text)
    {
        var folded = TextNormalizer.Normalize(text);
        return folded.Length == 0 ? null : folded.Length <= MaxLength ? folded : folded[..MaxLength];
    }

    /// <summary>The readable text of XHTML: tags become spaces, entities their characters.</summary>
    private static string Untag(string xhtml) => WebUtility.HtmlDecode(Tags().Replace(xhtml, " "));

    [GeneratedRegex("<[^>]*>", RegexOptions.None, 1000)]
    private static partial Regex Tags();

    private static IEnumerable<Base> Descendants(Base root)
    {
        var pending = new Stack<Base>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            yield return current;
            if (current is PrimitiveType or Narrative)
            {
                continue;
            }

            foreach (var (_, value) in current.EnumerateElements())
            {
                if (value is Base child)
                {
                    pending.Push(child);
                }
                else if (value is System.Collections.IEnumerable list and not string)
                {
                    foreach (var item in list)
                    {
                        if (item is Base element)
                        {
                            pending.Push(element);
                        }
                    }
                }
            }
        }
    }
}
