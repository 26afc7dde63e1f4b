using System.Text.Json.Nodes;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Patch;

/// <summary>
/// Applies an RFC 6902 JSON Patch document (with RFC 6901 pointers) to a JSON tree. The patch runs on
/// a deep clone, so a failing operation leaves the caller's tree untouched.
/// </summary>
public static class JsonPatchApplier
{
    private const string Add = "add";
    private const string Remove = "remove";
    private const string Replace = "replace";
    private const string Move = "move";
    private const string Copy = "copy";
    private const string Test = "test";

    /// <summary>Returns a patched copy of <paramref name="target"/>.</summary>
    /// <exception cref="FhirException">
    /// 400 when <paramref name="patchDocument"/> is not a valid JSON Patch document; 422 when it is valid
    /// but cannot be applied (a failing <c>test</c>, a missing path, an index out of range).
    /// </exception>
    public static JsonNode Apply(JsonNode target, JsonNode patchDocument)
    {
        ArgumentNullException.ThrowIfNull(target);
        var operations = Parse(patchDocument);

        JsonNode? document = target.DeepClone();
        foreach (var operation in operations)
        {
            document = ApplyOperation(document, operation);
        }

        return document ?? throw Unprocessable(operations[^1], "the patch would replace the whole document with null");
    }

    private static List<JsonPatchOperation> Parse(JsonNode? patchDocument)
    {
        if (patchDocument is not JsonArray array)
        {
            throw FhirException.BadRequest("A JSON Patch document must be a JSON array of operations.");
        }

        var operations = new List<JsonPatchOperation>(array.Count);
        for (var number = 0; number < array.Count; number++)
        {
            if (array[number] is not JsonObject item)
            {
                throw FhirException.BadRequest($"JSON Patch operation {number} must be a JSON object.");
            }

            var op = RequiredString(item, "op", number);
            if (op is not (Add or Remove or Replace or Move or Copy or Test))
            {
                throw FhirException.BadRequest($"JSON Patch operation {number}: unknown op '{op}'.");
            }

            var path = RequiredPointer(item, "path", number, op);
            JsonPointer? from = null;
            if (op is Move or Copy)
            {
                from = RequiredPointer(item, "from", number, op);
                if (op is Move && from.IsProperPrefixOf(path))
                {
                    throw FhirException.BadRequest(
                        $"JSON Patch operation {number} (move): 'from' ({from}) must not be a prefix of 'path' ({path}).");
                }
            }

            JsonNode? value = null;
            if (op is Add or Replace or Test)
            {
                // "value": null is a legitimate JSON null; only a missing member is an error.
                if (!item.TryGetPropertyValue("value", out value))
                {
                    throw FhirException.BadRequest($"JSON Patch operation {number} ({op}) requires a 'value' member.");
                }
            }

            operations.Add(new JsonPatchOperation(number, op, path, from, value));
        }

        return operations;
    }

    private static string RequiredString(JsonObject item, string member, int number)
    {
        if (!item.TryGetPropertyValue(member, out var node) || node is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            throw FhirException.BadRequest($"JSON Patch operation {number} requires a string '{member}' member.");
        }

        return text;
    }

    private static JsonPointer RequiredPointer(JsonObject item, string member, int number, string op)
    {
        var text = RequiredString(item, member, number);
        if (!JsonPointer.TryParse(text, out var pointer))
        {
            throw FhirException.BadRequest($"JSON Patch operation {number} ({op}): '{member}' is not a valid JSON Pointer: '{text}'.");
        }

        return pointer;
    }

    private static JsonNode? ApplyOperation(JsonNode? document, JsonPatchOperation operation)
    {
        switch (operation.Op)
        {
            case Add:
                return AddAt(document, operation.Path, operation.Value?.DeepClone(), operation);
            case Remove:
                RemoveAt(document, operation.Path, operation);
                return document;
            case Replace:
                if (operation.Path.IsRoot)
                {
                    return operation.Value?.DeepClone();
                }

                RemoveAt(document, operation.Path, operation);
                return AddAt(document, operation.Path, operation.Value?.DeepClone(), operation);
            case Move:
                {
                    var from = operation.From!;
                    if (from.SameAs(operation.Path))
                    {
                        Resolve(document, from, operation);
                        return document;
                    }

                    var moved = RemoveAt(document, from, operation);
                    return AddAt(document, operation.Path, moved, operation);
                }

            case Copy:
                {
                    var copied = Resolve(document, operation.From!, operation)?.DeepClone();
                    return AddAt(document, operation.Path, copied, operation);
                }

            case Test:
                {
                    var actual = Resolve(document, operation.Path, operation);
                    if (!JsonNode.DeepEquals(actual, operation.Value))
                    {
                        throw Unprocessable(operation, $"test failed: the value at '{operation.Path}' is not the expected value");
                    }

                    return document;
                }

            default:
                throw new InvalidOperationException($"Unhandled JSON Patch op '{operation.Op}'.");
        }
    }

    /// <summary>Returns the node at <paramref name="pointer"/>; a JSON null is returned as null.</summary>
    private static JsonNode? Resolve(JsonNode? document, JsonPointer pointer, JsonPatchOperation operation)
    {
        var current = document;
        for (var i = 0; i < pointer.Tokens.Count; i++)
        {
            var token = pointer.Tokens[i];
            switch (current)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    current = child;
                    break;
                case JsonArray arr when JsonPointer.TryParseArrayIndex(token, out var index) && index < arr.Count:
                    current = arr[index];
                    break;
                default:
                    throw Unprocessable(operation, $"path '{pointer}' does not exist");
            }
        }

        return current;
    }

    private static JsonNode ResolveContainer(JsonNode? document, JsonPointer pointer, JsonPatchOperation operation)
    {
        var parentPointer = pointer.Tokens.Take(pointer.Tokens.Count - 1);
        var current = document;
        foreach (var token in parentPointer)
        {
            current = current switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray arr when JsonPointer.TryParseArrayIndex(token, out var index) && index < arr.Count => arr[index],
                _ => throw Unprocessable(operation, $"the parent of path '{pointer}' does not exist"),
            };
        }

        return current is JsonObject or JsonArray
            ? current
            : throw Unprocessable(operation, $"the parent of path '{pointer}' is not an object or array");
    }

    private static JsonNode? AddAt(JsonNode? document, JsonPointer path, JsonNode? value, JsonPatchOperation operation)
    {
        if (path.IsRoot)
        {
            return value;
        }

        var container = ResolveContainer(document, path, operation);
        var token = path.LastToken;
        if (container is JsonObject obj)
        {
            obj[token] = value;
            return document;
        }

        var array = (JsonArray)container;
        if (token == "-")
        {
            array.Add(value);
        }
        else if (JsonPointer.TryParseArrayIndex(token, out var index) && index <= array.Count)
        {
            array.Insert(index, value);
        }
        else
        {
            throw Unprocessable(operation, $"array index '{token}' in '{path}' is out of range (0..{array.Count})");
        }

        return document;
    }

    private static JsonNode? RemoveAt(JsonNode? document, JsonPointer path, JsonPatchOperation operation)
    {
        if (path.IsRoot)
        {
            throw Unprocessable(operation, "the whole document cannot be removed");
        }

        var container = ResolveContainer(document, path, operation);
        var token = path.LastToken;
        if (container is JsonObject obj)
        {
            if (!obj.TryGetPropertyValue(token, out var removed))
            {
                throw Unprocessable(operation, $"path '{path}' does not exist");
            }

            obj.Remove(token);
            return removed;
        }

        var array = (JsonArray)container;
        if (!JsonPointer.TryParseArrayIndex(token, out var index) || index >= array.Count)
        {
            throw Unprocessable(operation, $"array index '{token}' in '{path}' is out of range (0..{array.Count - 1})");
        }

        var item = array[index];
        array.RemoveAt(index);
        return item;
    }

    private static FhirException Unprocessable(JsonPatchOperation operation, string detail) =>
        FhirException.Unprocessable($"JSON Patch operation {operation.Number} ({operation.Op}): {detail}.");
}
