using System.Collections;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Patch;

/// <summary>
/// Applies a FHIRPath Patch (http://hl7.org/fhir/R4/fhirpatch.html) to a resource. Targets are found by
/// evaluating FHIRPath over the SDK's <see cref="PocoNode"/> tree, which keeps each selected POCO's parent
/// and element name; elements are read and written through the SDK's <see cref="ClassMapping"/> and
/// <see cref="PropertyMapping"/>, so no code here is specific to a resource type.
/// </summary>
public static class FhirPathPatchApplier
{
    private static readonly ModelInspector Inspector = ModelInfo.ModelInspector;

    private static readonly FhirPathCompiler Compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());

    /// <summary>Returns a patched deep copy of <paramref name="resource"/>; the input is never modified.</summary>
    /// <exception cref="FhirException">
    /// 400 when the patch is malformed (shape, unknown type, FHIRPath syntax); 422 when it is well formed
    /// but cannot be applied (path selects nothing or too much, wrong value type, index out of range).
    /// </exception>
    public static Resource Apply(Resource resource, Parameters patch)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(patch);

        var operations = FhirPathPatchParser.Parse(patch);
        var copy = (Resource)resource.DeepCopy();
        foreach (var operation in operations)
        {
            switch (operation.Type)
            {
                case FhirPathPatchParser.Add:
                    ApplyAdd(copy, operation);
                    break;
                case FhirPathPatchParser.Insert:
                    ApplyInsert(copy, operation);
                    break;
                case FhirPathPatchParser.Delete:
                    ApplyDelete(copy, operation);
                    break;
                case FhirPathPatchParser.Replace:
                    ApplyReplace(copy, operation);
                    break;
                case FhirPathPatchParser.Move:
                    ApplyMove(copy, operation);
                    break;
                default:
                    throw new InvalidOperationException($"Unhandled FHIRPath Patch type '{operation.Type}'.");
            }
        }

        return copy;
    }

    private static void ApplyAdd(Resource root, FhirPathPatchOperation operation)
    {
        var container = SelectSingle(root, operation.Path, operation).Poco;
        var property = FindProperty(container, operation.Name!, operation);
        var value = BuildValue(operation.Value!, property, operation);
        if (property.IsCollection)
        {
            ListOf(container, property).Add(value);
            return;
        }

        // The spec allows add on a non-repeating element only while it is empty; otherwise use replace.
        if (!IsEmpty(Read(container, property)))
        {
            throw Unprocessable(operation, $"element '{property.Name}' already has a value and does not repeat; use replace");
        }

        SetSingle(container, property, value, operation);
    }

    private static void ApplyInsert(Resource root, FhirPathPatchOperation operation)
    {
        var (container, property) = SelectList(root, operation);
        var list = ListOf(container, property);
        var index = operation.Index!.Value;
        if (index > list.Count)
        {
            throw Unprocessable(operation, $"index {index} is out of range; the list '{property.Name}' has {list.Count} item(s)");
        }

        list.Insert(index, BuildValue(operation.Value!, property, operation));
    }

    private static void ApplyDelete(Resource root, FhirPathPatchOperation operation)
    {
        var nodes = Select(root, operation.Path, operation);
        if (nodes.Count == 0)
        {
            // "Path of the element to delete (if found)": deleting nothing succeeds.
            return;
        }

        if (nodes.Count > 1)
        {
            throw Unprocessable(operation, $"path '{operation.Path}' selects {nodes.Count} elements; delete removes exactly one");
        }

        var (container, property) = ParentOf(nodes[0], root, operation);
        if (property.IsCollection)
        {
            var list = ListOf(container, property);
            list.RemoveAt(IndexOf(list, nodes[0].Poco, operation));
        }
        else
        {
            SetSingle(container, property, null, operation);
        }
    }

    private static void ApplyReplace(Resource root, FhirPathPatchOperation operation)
    {
        var node = SelectSingle(root, operation.Path, operation);
        var (container, property) = ParentOf(node, root, operation);
        var value = BuildValue(operation.Value!, property, operation);
        if (property.IsCollection)
        {
            var list = ListOf(container, property);
            list[IndexOf(list, node.Poco, operation)] = value;
        }
        else
        {
            SetSingle(container, property, value, operation);
        }
    }

    private static void ApplyMove(Resource root, FhirPathPatchOperation operation)
    {
        var (container, property) = SelectList(root, operation);
        var list = ListOf(container, property);
        var (source, destination) = (operation.Source!.Value, operation.Destination!.Value);
        if (source >= list.Count || destination >= list.Count)
        {
            throw Unprocessable(
                operation,
                $"source {source} and destination {destination} must both be below {list.Count}, the size of the list '{property.Name}'");
        }

        var item = list[source];
        list.RemoveAt(source);
        list.Insert(destination, item);
    }

    private static List<PocoNode> Select(Resource root, string path, FhirPathPatchOperation operation)
    {
        CompiledExpression expression;
        try
        {
            expression = Compiler.Compile(path);
        }
        catch (Exception e)
        {
            throw FhirException.BadRequest(
                $"FHIRPath Patch operation {operation.Number} ({operation.Type}): path '{path}' is not valid FHIRPath: {e.Message}",
                operation.Location);
        }

        try
        {
            return expression([root.ToPocoNode(Inspector)], new FhirEvaluationContext()).ToList();
        }
        catch (Exception e)
        {
            throw Unprocessable(operation, $"evaluating path '{path}' failed: {e.Message}");
        }
    }

    private static PocoNode SelectSingle(Resource root, string path, FhirPathPatchOperation operation)
    {
        var nodes = Select(root, path, operation);
        if (nodes.Count != 1)
        {
            throw Unprocessable(operation, $"path '{path}' must select exactly one element but selected {nodes.Count}");
        }

        EnsureInside(nodes[0], root, operation);
        return nodes[0];
    }

    /// <summary>
    /// Finds the list that insert and move work on. When the path selects items, they must all be items of one
    /// list. An empty list selects nothing, so then the path is split into "container.element" instead.
    /// </summary>
    private static (Base Container, PropertyMapping Property) SelectList(Resource root, FhirPathPatchOperation operation)
    {
        var nodes = Select(root, operation.Path, operation);
        Base container;
        PropertyMapping property;
        if (nodes.Count > 0)
        {
            (container, property) = ParentOf(nodes[0], root, operation);
            foreach (var node in nodes.Skip(1))
            {
                var (otherContainer, otherProperty) = ParentOf(node, root, operation);
                if (!ReferenceEquals(otherContainer, container) || otherProperty != property)
                {
                    throw Unprocessable(operation, $"path '{operation.Path}' selects elements from more than one list");
                }
            }
        }
        else if (TrySplitLastSegment(operation.Path, out var containerPath, out var elementName))
        {
            container = containerPath.Length == 0 ? root : SelectSingle(root, containerPath, operation).Poco;
            property = FindProperty(container, elementName, operation);
        }
        else
        {
            throw Unprocessable(operation, $"path '{operation.Path}' selects nothing");
        }

        return property.IsCollection
            ? (container, property)
            : throw Unprocessable(operation, $"path '{operation.Path}' does not select a repeating element");
    }

    private static (Base Container, PropertyMapping Property) ParentOf(PocoNode node, Resource root, FhirPathPatchOperation operation)
    {
        EnsureInside(node, root, operation);
        if (node.Parent is null)
        {
            throw Unprocessable(operation, $"path '{operation.Path}' selects the resource itself, which cannot be {operation.Type}d");
        }

        return (node.Parent.Poco, FindProperty(node.Parent.Poco, node.Name, operation));
    }

    /// <summary>
    /// The selected node must be an element of the resource being patched, not a value FHIRPath computed
    /// (e.g. <c>substring()</c>) or a resource reached through <c>resolve()</c>.
    /// </summary>
    private static void EnsureInside(PocoNode node, Resource root, FhirPathPatchOperation operation)
    {
        var top = node;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }

        if (!ReferenceEquals(top.Poco, root))
        {
            throw Unprocessable(operation, $"path '{operation.Path}' does not select an element of the resource being patched");
        }
    }

    private static PropertyMapping FindProperty(Base container, string name, FhirPathPatchOperation operation)
    {
        var mapping = ClassMappingOf(container.GetType());
        return mapping.FindMappedElementByName(name)
            ?? mapping.FindMappedElementByChoiceName(name)
            ?? throw Unprocessable(operation, $"'{mapping.Name}' has no element named '{name}'");
    }

    private static ClassMapping ClassMappingOf(Type type) =>
        Inspector.FindOrImportClassMapping(type)
            ?? throw new InvalidOperationException($"The FHIR model has no mapping for {type.Name}.");

    private static IList ListOf(Base container, PropertyMapping property) =>
        // POCO list getters create the list on first access, so this is the live list, never null.
        (IList)Read(container, property)!;

    private static object? Read(Base container, PropertyMapping property) =>
        (property.NativeProperty ?? throw new InvalidOperationException($"Element '{property.Name}' has no .NET property."))
            .GetValue(container);

    private static int IndexOf(IList list, Base item, FhirPathPatchOperation operation)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (ReferenceEquals(list[i], item))
            {
                return i;
            }
        }

        throw Unprocessable(operation, $"the element selected by '{operation.Path}' was not found in its parent list");
    }

    private static bool IsEmpty(object? value) => value switch
    {
        null => true,
        ICollection collection => collection.Count == 0,
        _ => false,
    };

    private static void SetSingle(Base container, PropertyMapping property, Base? value, FhirPathPatchOperation operation)
    {
        try
        {
            container.SetValue(property.Name, value);
        }
        catch (Exception e) when (e is not FhirException)
        {
            throw Unprocessable(operation, $"cannot set '{property.Name}': {e.Message}");
        }
    }

    /// <summary>Builds the value for <paramref name="property"/> from a value[x], a resource, or the part form.</summary>
    private static Base BuildValue(Parameters.ParameterComponent valuePart, PropertyMapping property, FhirPathPatchOperation operation)
    {
        if (valuePart.Value is not null)
        {
            return Convert(valuePart.Value, property, operation);
        }

        if (valuePart.Resource is not null)
        {
            return Convert(valuePart.Resource, property, operation);
        }

        // Part form: each part names a child element of the new value; used for types that value[x]
        // cannot carry, such as backbone elements (e.g. Patient.contact).
        var type = property.ImplementingType;
        if (property.Choice != ChoiceType.None || type.IsAbstract)
        {
            throw Unprocessable(
                operation,
                $"element '{property.Name}' can hold several types; give its value as value[x], not as parts");
        }

        var mapping = ClassMappingOf(type);
        var instance = mapping.CreateInstance();
        foreach (var part in valuePart.Part)
        {
            if (string.IsNullOrEmpty(part.Name))
            {
                throw Unprocessable(operation, $"a part of the value for '{property.Name}' has no name");
            }

            var child = mapping.FindMappedElementByName(part.Name)
                ?? mapping.FindMappedElementByChoiceName(part.Name)
                ?? throw Unprocessable(operation, $"'{mapping.Name}' has no element named '{part.Name}'");
            var childValue = BuildValue(part, child, operation);
            if (child.IsCollection)
            {
                ListOf(instance, child).Add(childValue);
            }
            else if (!IsEmpty(Read(instance, child)))
            {
                throw Unprocessable(operation, $"element '{mapping.Name}.{child.Name}' does not repeat but is given more than once");
            }
            else
            {
                SetSingle(instance, child, childValue, operation);
            }
        }

        return instance;
    }

    /// <summary>
    /// Returns <paramref name="value"/> if it fits <paramref name="property"/>. A primitive of another type is
    /// converted when both hold a string on the wire (e.g. valueString or valueCode into a date or a bound code).
    /// </summary>
    private static Base Convert(Base value, PropertyMapping property, FhirPathPatchOperation operation)
    {
        var fits = property.Choice == ChoiceType.None
            ? property.ImplementingType.IsInstanceOfType(value)
            : property.FhirType.Any(t => t.IsInstanceOfType(value));
        if (fits)
        {
            return value;
        }

        if (property.Choice == ChoiceType.None
            && value is PrimitiveType { JsonValue: string text } primitive
            && typeof(PrimitiveType).IsAssignableFrom(property.ImplementingType))
        {
            var target = ClassMappingOf(property.ImplementingType);
            if (HoldsString(target, text))
            {
                var converted = (PrimitiveType)target.CreateInstance();
                converted.JsonValue = text;
                converted.ElementId = primitive.ElementId;
                converted.Extension.AddRange(primitive.Extension);
                return converted;
            }
        }

        throw Unprocessable(
            operation,
            $"a {value.TypeName} cannot be used for element '{property.Name}' ({string.Join(" | ", property.FhirType.Select(t => ClassMappingOf(t).Name))})");
    }

    private static bool HoldsString(ClassMapping primitive, string text)
    {
        if (primitive.IsCodeOfT)
        {
            // Code<T> stores the literal; the literal must still be one of the enum's codes.
            var enumType = primitive.NativeType.GetGenericArguments()[0];
            return EnumUtility.ParseLiteral(text, enumType) is not null;
        }

        return primitive.PrimitiveValueProperty?.NativeProperty?.PropertyType == typeof(string);
    }

    /// <summary>
    /// Splits "a.b.where(x = 'y.z').c" into "a.b.where(x = 'y.z')" and "c". Only a plain (or back-quoted)
    /// identifier counts as a last segment; anything else (a function call, an indexer) returns false.
    /// </summary>
    internal static bool TrySplitLastSegment(string path, out string containerPath, out string elementName)
    {
        containerPath = string.Empty;
        elementName = string.Empty;
        var depth = 0;
        var split = -1;
        char? quote = null;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (quote is not null)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '`':
                    quote = c;
                    break;
                case '(' or '[':
                    depth++;
                    break;
                case ')' or ']':
                    depth--;
                    break;
                case '.' when depth == 0:
                    split = i;
                    break;
            }
        }

        var last = path[(split + 1)..].Trim();
        if (last.Length > 2 && last[0] == '`' && last[^1] == '`')
        {
            last = last[1..^1];
        }

        if (last.Length == 0 || !(char.IsAsciiLetter(last[0]) || last[0] == '_') || !last.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return false;
        }

        containerPath = split < 0 ? string.Empty : path[..split].Trim();
        elementName = last;
        return true;
    }

    private static FhirException Unprocessable(FhirPathPatchOperation operation, string detail) =>
        FhirException.Unprocessable($"FHIRPath Patch operation {operation.Number} ({operation.Type}): {detail}.", operation.Location);
}
