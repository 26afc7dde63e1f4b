namespace Kakehashi.Fhir.Validation;

/// <summary>What validation on write does with a resource that has errors.</summary>
public enum ValidationMode
{
    /// <summary>Not validated.</summary>
    Off,

    /// <summary>Validated; errors are reported (logged) but the resource is stored.</summary>
    Warn,

    /// <summary>Validated; a resource with errors is refused with 422 and every error, and nothing is stored.</summary>
    Reject,
}
