using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Terminology;

namespace Kakehashi.Fhir.Conformance;

/// <summary>
/// Keeps the conformance caches true to the store: a written StructureDefinition, ValueSet,
/// CodeSystem, ConceptMap, SearchParameter or NamingSystem drops what was compiled or expanded
/// from older content, and a NamingSystem's aliases take effect at once. Runs last, after
/// mapping and validation, so a refused write changes nothing but the caches (which then reload).
/// </summary>
public sealed class ConformanceWriteInterceptor(ConformanceResolver resolver, HouseCodeMapper houseCodes) : IResourceWriteInterceptor
{
    public WriteStage Stage => WriteStage.Register;

    public ValueTask OnWritingAsync(Resource resource, WriteContext context, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (!KnownConformanceTypes.Contains(resource.TypeName))
        {
            return ValueTask.CompletedTask;
        }

        if (resource is NamingSystem namingSystem)
        {
            NamingSystemAliases.Register(namingSystem, resolver.Aliases);
        }

        if (resource is ConceptMap)
        {
            houseCodes.Invalidate();
        }

        resolver.Invalidate(resource.TypeName);
        InvalidateAgainAfterCommit(resource.TypeName);
        return ValueTask.CompletedTask;
    }

    // The write commits after this interceptor returns; a lookup made in between would cache the
    // old content (or its absence). Forgetting again shortly after the commit closes that window
    // without a commit hook in the store; the cache's own 30-second lifetime is the last resort.
    private void InvalidateAgainAfterCommit(string resourceType)
    {
        foreach (var delay in RepeatDelays)
        {
            _ = System.Threading.Tasks.Task.Delay(delay).ContinueWith(_ => resolver.Invalidate(resourceType), TaskScheduler.Default);
        }
    }

    private static readonly TimeSpan[] RepeatDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)];
}
