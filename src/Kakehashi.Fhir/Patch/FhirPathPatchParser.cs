using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Patch;

/// <summary>Checks the shape of a FHIRPath Patch <see cref="Parameters"/>; every failure here is a 400.</summary>
internal static class FhirPathPatchParser
{
    public const string Add = "add";
    public const string Insert = "insert";
    public const string Delete = "delete";
    public const string Replace = "replace";
    public const string Move = "move";

    public static List<FhirPathPatchOperation> Parse(Parameters patch)
    {
        var operations = new List<FhirPathPatchOperation>(patch.Parameter.Count);
        for (var number = 0; number < patch.Parameter.Count; number++)
        {
            operations.Add(ParseOperation(patch.Parameter[number], number));
        }

        return operations;
    }

    private static FhirPathPatchOperation ParseOperation(Parameters.ParameterComponent parameter, int number)
    {
        var location = $"Parameters.parameter[{number}]";
        if (parameter.Name != "operation")
        {
            throw FhirException.BadRequest(
                $"FHIRPath Patch operation {number}: parameter name must be 'operation', not '{parameter.Name}'.", location);
        }

        string? type = null, path = null, name = null;
        int? index = null, source = null, destination = null;
        Parameters.ParameterComponent? value = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in parameter.Part)
        {
            if (!seen.Add(part.Name ?? string.Empty))
            {
                throw Malformed(number, type, $"part '{part.Name}' appears more than once", location);
            }

            switch (part.Name)
            {
                case "type":
                    type = Text(part, number, location);
                    break;
                case "path":
                    path = Text(part, number, location);
                    break;
                case "name":
                    name = Text(part, number, location);
                    break;
                case "value":
                    value = part;
                    break;
                case "index":
                    index = NonNegativeInteger(part, number, location);
                    break;
                case "source":
                    source = NonNegativeInteger(part, number, location);
                    break;
                case "destination":
                    destination = NonNegativeInteger(part, number, location);
                    break;
                default:
                    throw Malformed(number, type, $"unknown part '{part.Name}'", location);
            }
        }

        if (type is null)
        {
            throw Malformed(number, null, "the 'type' part is required", location);
        }

        if (type is not (Add or Insert or Delete or Replace or Move))
        {
            throw Malformed(number, type, "type must be one of add, insert, delete, replace, move", location);
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw Malformed(number, type, "the 'path' part is required", location);
        }

        Require(type is Add, name is not null, "name", number, type, location);
        Require(type is Add or Insert or Replace, value is not null, "value", number, type, location);
        Require(type is Insert, index is not null, "index", number, type, location);
        Require(type is Move, source is not null, "source", number, type, location);
        Require(type is Move, destination is not null, "destination", number, type, location);

        if (value is not null && value.Value is null && value.Resource is null && value.Part.Count == 0)
        {
            throw Malformed(number, type, "the 'value' part needs a value[x], a resource, or parts", location);
        }

        return new FhirPathPatchOperation(number, type, path, name, value, index, source, destination);
    }

    private static void Require(bool required, bool present, string part, int number, string type, string location)
    {
        if (required && !present)
        {
            throw Malformed(number, type, $"the '{part}' part is required", location);
        }
    }

    private static string Text(Parameters.ParameterComponent part, int number, string location) =>
        part.Value is PrimitiveType { JsonValue: string text } && !string.IsNullOrEmpty(text)
            ? text
            : throw Malformed(number, null, $"part '{part.Name}' must have a string or code value", location);

    private static int NonNegativeInteger(Parameters.ParameterComponent part, int number, string location)
    {
        var value = part.Value switch
        {
            Integer integer => integer.Value,
            UnsignedInt unsigned => unsigned.Value,
            PositiveInt positive => positive.Value,
            _ => null,
        };
        return value is >= 0
            ? value.Value
            : throw Malformed(number, null, $"part '{part.Name}' must be a non-negative integer", location);
    }

    private static FhirException Malformed(int number, string? type, string detail, string location) =>
        FhirException.BadRequest(
            type is null
                ? $"FHIRPath Patch operation {number}: {detail}."
                : $"FHIRPath Patch operation {number} ({type}): {detail}.",
            location);
}
