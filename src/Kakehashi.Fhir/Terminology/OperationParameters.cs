using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Fhir.Terminology;

/// <summary>Reads operation input whether it came from the query string (strings) or a Parameters body (typed).</summary>
public static class OperationParameters
{
    public static string? Text(Parameters parameters, string name) =>
        parameters.Parameter.FirstOrDefault(p => p.Name == name)?.Value switch
        {
            null => null,
            PrimitiveType primitive => primitive.ToString(),
            _ => throw FhirException.BadRequest($"The parameter '{name}' must be a primitive value.", name),
        };

    public static T? Value<T>(Parameters parameters, string name)
        where T : DataType =>
        parameters.Parameter.FirstOrDefault(p => p.Name == name)?.Value as T;

    public static T? Resource<T>(Parameters parameters, string name)
        where T : Resource =>
        parameters.Parameter.FirstOrDefault(p => p.Name == name)?.Resource as T;

    public static int? NonNegative(Parameters parameters, string name)
    {
        var text = Text(parameters, name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw FhirException.BadRequest($"The parameter '{name}' must be a non-negative integer.", name);
    }

    /// <summary>A (system, code, display) from <c>coding</c>, or from <c>code</c> + <c>system</c> + <c>display</c>.</summary>
    public static Coding? Coding(Parameters parameters, string codingName = "coding")
    {
        if (Value<Coding>(parameters, codingName) is { } coding)
        {
            return coding;
        }

        return Text(parameters, "code") is { } code ? new Coding(Text(parameters, "system"), code, Text(parameters, "display")) : null;
    }

    /// <summary>Maps a terminology problem to its HTTP answer: unknown things are 404, the rest 422.</summary>
    public static FhirException ToFhirException(TerminologyException e) => e.Problem switch
    {
        TerminologyProblem.UnknownCodeSystem or TerminologyProblem.UnknownValueSet or TerminologyProblem.UnknownConceptMap => FhirException.NotFound(e.Message),
        TerminologyProblem.TooCostly => new FhirException(System.Net.HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.TooCostly, e.Message),
        _ => FhirException.Unprocessable(e.Message),
    };

    /// <summary>Adds a parameter made of parts (e.g. <c>match</c>, <c>designation</c>, <c>property</c>).</summary>
    public static void AddParts(Parameters parameters, string name, params (string Name, DataType Value)[] parts) =>
        parameters.Parameter.Add(new Parameters.ParameterComponent
        {
            Name = name,
            Part = [.. parts.Select(p => new Parameters.ParameterComponent { Name = p.Name, Value = p.Value })],
        });
}
