using Hl7.Fhir.Model;

namespace Kakehashi.Fhir.Search;

/// <summary>
/// Turns the FHIRPath results of one parameter into index entries according to the
/// parameter's type (R4 "search" page, table of type mappings), dropping duplicates.
/// </summary>
internal sealed class SearchIndexWriter(Terminology.CodeSystemAliases? aliases = null)
{
    // Long free text (narrative-like strings) would overflow a B-tree key; prefixes are what search uses anyway.
    private const int MaxIndexedLength = 400;

    private readonly HashSet<object> _seen = [];

    public SearchIndex Index { get; } = new();

    public void Add(SearchParameterDefinition definition, PocoNode value)
    {
        var poco = value.Poco;
        switch (definition.Type)
        {
            case SearchParamType.String:
                AddString(definition.Code, poco);
                break;
            case SearchParamType.Token:
                AddToken(definition.Code, poco, value);
                break;
            case SearchParamType.Reference:
                AddReference(definition.Code, poco);
                break;
            case SearchParamType.Date:
                AddDate(definition.Code, poco);
                break;
            case SearchParamType.Number:
                AddNumber(definition.Code, poco);
                break;
            case SearchParamType.Quantity:
                AddQuantity(definition.Code, poco);
                break;
            case SearchParamType.Uri:
                AddUri(definition.Code, poco);
                break;
            default:
                break;
        }
    }

    private void AddString(string param, Base poco)
    {
        switch (poco)
        {
            case HumanName name:
                // The spec matches "name" against any part, so each part is its own entry.
                AddStrings(param, [name.Family, .. name.Given, .. name.Prefix, .. name.Suffix, name.Text]);
                break;
            case Address address:
                AddStrings(param, [.. address.Line, address.City, address.District, address.State, address.PostalCode, address.Country, address.Text]);
                break;
            case CodeableConcept concept:
                AddStrings(param, [concept.Text, .. concept.Coding.Select(c => c.Display)]);
                break;
            case Coding coding:
                AddStrings(param, [coding.Display]);
                break;
            case PrimitiveType primitive:
                AddStrings(param, [primitive.ToString()]);
                break;
            default:
                break;
        }
    }

    private void AddStrings(string param, IEnumerable<string?> values)
    {
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var exact = Truncate(value);
            var normalized = Truncate(TextNormalizer.Normalize(value));
            if (_seen.Add(("s", param, exact)))
            {
                Index.Strings.Add(new StringIndexEntry(param, normalized, exact));
            }
        }
    }

    private void AddToken(string param, Base poco, PocoNode node)
    {
        switch (poco)
        {
            case Coding coding:
                AddToken(param, Canonical(coding.System), coding.Code, coding.Display);
                break;
            case CodeableConcept concept:
                foreach (var coding in concept.Coding)
                {
                    AddToken(param, Canonical(coding.System), coding.Code, coding.Display ?? concept.Text);
                }

                if (concept.Text is not null)
                {
                    AddToken(param, null, null, concept.Text);
                }

                break;
            case Identifier identifier:
                AddToken(param, Canonical(identifier.System), identifier.Value, identifier.Type?.Text);
                if (identifier.Value is not null && identifier.Type is { } identifierType)
                {
                    // ":of-type" matches type and value together, so both go into one entry.
                    foreach (var typeCoding in identifierType.Coding.Where(c => c.Code is not null))
                    {
                        AddToken(param + KnownSearchParameters.OfTypeSuffix, Canonical(typeCoding.System), typeCoding.Code + "|" + identifier.Value, null);
                    }
                }

                break;
            case ContactPoint contact:
                // The ContactPoint system ("phone", "email") stands in the token system slot.
                AddToken(param, contact.System?.ToString().ToLowerInvariant(), contact.Value, null);
                break;
            case FhirBoolean boolean when boolean.Value is { } flag:
                AddToken(param, null, flag ? "true" : "false", null);
                break;
            case PrimitiveType primitive:
                AddToken(param, null, primitive.ToString(), null);
                break;
            default:
                // Computed results such as "deceased.exists() and deceased != false".
                switch (node.GetValue())
                {
                    case bool flag:
                        AddToken(param, null, flag ? "true" : "false", null);
                        break;
                    case string text:
                        AddToken(param, null, text, null);
                        break;
                    default:
                        break;
                }

                break;
        }
    }

    private void AddToken(string param, string? system, string? code, string? text)
    {
        if (system is null && code is null && string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var textNormalized = string.IsNullOrWhiteSpace(text) ? null : Truncate(TextNormalizer.Normalize(text));
        var entry = new TokenIndexEntry(param, Empty(system), code is null ? null : Truncate(code), textNormalized);
        if (_seen.Add(entry))
        {
            Index.Tokens.Add(entry);
        }
    }

    private void AddReference(string param, Base poco)
    {
        switch (poco)
        {
            case ResourceReference reference:
                if (reference.Identifier is { } identifier)
                {
                    // Stored as a token so that ":identifier" can use the token search.
                    AddToken(param + KnownSearchParameters.IdentifierSuffix, Canonical(identifier.System), identifier.Value, null);
                }

                AddReference(param, reference.Reference);
                break;
            case PrimitiveType primitive:
                // canonical and uri targets: always absolute, never split.
                AddReferenceEntry(new ReferenceIndexEntry(param, null, null, primitive.ToString()));
                break;
            default:
                break;
        }
    }

    private void AddReference(string param, string? reference)
    {
        if (string.IsNullOrEmpty(reference) || reference[0] == '#')
        {
            // Contained resources are not stored on their own, so nothing can match them.
            return;
        }

        AddReferenceEntry(ReferenceParts.TryParseLocal(reference, out var type, out var id)
            ? new ReferenceIndexEntry(param, type, id, null)
            : new ReferenceIndexEntry(param, null, null, reference));
    }

    private void AddReferenceEntry(ReferenceIndexEntry entry)
    {
        if (_seen.Add(entry))
        {
            Index.References.Add(entry);
        }
    }

    private void AddDate(string param, Base poco)
    {
        switch (poco)
        {
            case Date date:
                AddDate(param, date.Value);
                break;
            case FhirDateTime dateTime:
                AddDate(param, dateTime.Value);
                break;
            case Instant instant when instant.Value is { } value:
                var at = FhirDateRange.ToMicroseconds(value);
                AddDateEntry(new DateIndexEntry(param, at, at));
                break;
            case Period period:
                AddPeriod(param, period);
                break;
            case Timing timing:
                foreach (var timingEvent in timing.EventElement)
                {
                    AddDate(param, timingEvent.Value);
                }

                if (timing.Repeat?.Bounds is Period bounds)
                {
                    AddPeriod(param, bounds);
                }

                break;
            default:
                break;
        }
    }

    private void AddDate(string param, string? value)
    {
        if (FhirDateRange.TryParse(value, out var range))
        {
            AddDateEntry(new DateIndexEntry(param, range.Start, range.End));
        }
    }

    private void AddPeriod(string param, Period period)
    {
        var hasStart = FhirDateRange.TryParse(period.Start, out var start);
        var hasEnd = FhirDateRange.TryParse(period.End, out var end);
        if (hasStart || hasEnd)
        {
            // A missing end means "ongoing": the period reaches to the end of time.
            AddDateEntry(new DateIndexEntry(
                param,
                hasStart ? start.Start : FhirDateRange.MinValue,
                hasEnd ? end.End : FhirDateRange.MaxValue));
        }
    }

    private void AddDateEntry(DateIndexEntry entry)
    {
        if (_seen.Add(entry))
        {
            Index.Dates.Add(entry);
        }
    }

    private void AddNumber(string param, Base poco)
    {
        decimal? value = poco switch
        {
            FhirDecimal d => d.Value,
            Integer i => i.Value,
            UnsignedInt u => u.Value,
            PositiveInt p => p.Value,
            Integer64 l => l.Value,
            _ => null,
        };
        if (value is { } number)
        {
            AddNumberEntry(new NumberIndexEntry(param, number, number));
        }
        else if (poco is Hl7.Fhir.Model.Range range && (range.Low?.Value is not null || range.High?.Value is not null))
        {
            AddNumberEntry(new NumberIndexEntry(param, range.Low?.Value ?? decimal.MinValue, range.High?.Value ?? decimal.MaxValue));
        }
    }

    private void AddNumberEntry(NumberIndexEntry entry)
    {
        if (_seen.Add(entry))
        {
            Index.Numbers.Add(entry);
        }
    }

    private void AddQuantity(string param, Base poco)
    {
        switch (poco)
        {
            case Quantity quantity when quantity.Value is { } value:
                // A comparator ("<5") makes the value a bound, not a point.
                var low = quantity.Comparator is Quantity.QuantityComparator.LessThan or Quantity.QuantityComparator.LessOrEqual ? decimal.MinValue : value;
                var high = quantity.Comparator is Quantity.QuantityComparator.GreaterThan or Quantity.QuantityComparator.GreaterOrEqual ? decimal.MaxValue : value;
                AddQuantityEntry(new QuantityIndexEntry(param, Empty(quantity.System), Empty(quantity.Code) ?? Empty(quantity.Unit), low, high));
                break;
            case Money money when money.Value is { } amount:
                AddQuantityEntry(new QuantityIndexEntry(param, "urn:iso:std:iso:4217", money.Currency?.ToString(), amount, amount));
                break;
            case Hl7.Fhir.Model.Range range when range.Low?.Value is not null || range.High?.Value is not null:
                var unit = range.Low ?? range.High!;
                AddQuantityEntry(new QuantityIndexEntry(
                    param,
                    Empty(unit.System),
                    Empty(unit.Code) ?? Empty(unit.Unit),
                    range.Low?.Value ?? decimal.MinValue,
                    range.High?.Value ?? decimal.MaxValue));
                break;
            default:
                break;
        }
    }

    private void AddQuantityEntry(QuantityIndexEntry entry)
    {
        if (_seen.Add(entry))
        {
            Index.Quantities.Add(entry);
        }

        // A UCUM value is also kept in its canonical unit, where searches in any unit of the same dimension meet.
        if (entry.System == UcumUnits.System
            && !entry.Param.Contains(CompositeNames.GroupSeparator, StringComparison.Ordinal)
            && UcumUnits.TryCanonical(entry.Code, entry.Low, out var canonical, out var low)
            && UcumUnits.TryCanonical(entry.Code, entry.High, out _, out var high))
        {
            var normalized = new QuantityIndexEntry(entry.Param + KnownSearchParameters.CanonicalSuffix, UcumUnits.System, canonical, low, high);
            if (_seen.Add(normalized))
            {
                Index.Quantities.Add(normalized);
            }
        }
    }

    private void AddUri(string param, Base poco)
    {
        if (poco is PrimitiveType primitive && primitive.ToString() is { Length: > 0 } value)
        {
            var entry = new UriIndexEntry(param, Truncate(value));
            if (_seen.Add(entry))
            {
                Index.Uris.Add(entry);
            }
        }
    }

    /// <summary>The canonical name of a code or identifier system, so that its aliases (OID, URL) index alike.</summary>
    private string? Canonical(string? system) => aliases is null ? system : aliases.Canonical(system);

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    internal static string Truncate(string value) => value.Length <= MaxIndexedLength ? value : value[..MaxIndexedLength];
}
