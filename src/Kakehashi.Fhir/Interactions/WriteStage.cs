namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// When an <see cref="IResourceWriteInterceptor"/> runs on a resource about to be written. Stages
/// run in this order; interceptors of one stage in the order they were registered.
/// </summary>
public enum WriteStage
{
    /// <summary>Adds what the resource implies (a standard coding beside a house code), so every later stage sees it.</summary>
    Enrich,

    /// <summary>Decides whose the resource is (authorship) and refuses what the writer may not write.</summary>
    Authorize,

    /// <summary>A service's domain rules (a qualification's numbers, a claim's subset): 422 naming the element.</summary>
    Check,

    /// <summary>Validation against the declared or configured profiles.</summary>
    Validate,

    /// <summary>Keeps in-memory registries true to what is written (conformance caches, search parameters): last, so a refused write changes nothing else.</summary>
    Register,
}
