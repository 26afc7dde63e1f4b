using Hl7.Fhir.Model;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// Runs on every resource about to be written (create, update, patch, in Bundles too), before
/// it is indexed and stored. An interceptor may enrich the resource (e.g. add a standard coding
/// beside a house code) or refuse it by throwing a <see cref="Errors.FhirException"/>, in which
/// case the whole request — or transaction — stores nothing.
/// </summary>
public interface IResourceWriteInterceptor
{
    /// <summary>When it runs: enrichment before authorization, domain checks and validation; registries last.</summary>
    WriteStage Stage { get; }

    ValueTask OnWritingAsync(Resource resource, WriteContext context, IResourceTransaction transaction, CancellationToken cancellationToken);
}
