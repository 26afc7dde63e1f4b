using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Security;

/// <summary>
/// Wraps every interaction the <see cref="FhirDispatcher"/> runs — HTTP requests and each
/// entry of a batch or transaction alike — so that authorization, narrowing and audit apply
/// however a request arrives. The guard may refuse (throw a 403 <see cref="Errors.FhirException"/>),
/// rewrite the request (narrow a search before it runs) and record the outcome. It authorizes
/// the <see cref="FhirInteraction"/> passed in, the dispatcher's own classification of the request, which is
/// what <c>next</c> runs; an <see cref="InteractionKind.Unknown"/> one must never reach <c>next</c>.
/// </summary>
public interface IFhirRequestGuard
{
    Task<FhirResponse> GuardAsync(
        FhirRequest request,
        FhirInteraction interaction,
        IResourceTransaction? transaction,
        Func<FhirRequest, Task<FhirResponse>> next,
        CancellationToken cancellationToken);

    /// <summary>
    /// Authorizes a search the engine runs on the caller's behalf inside another interaction (a
    /// conditional reference or an If-None-Exist of a transaction entry) exactly as the search
    /// <c>resourceType?criteria</c>; throws a 403 <see cref="Errors.FhirException"/> if refused.
    /// </summary>
    void AuthorizeMatch(FhirRequest request, string resourceType, IReadOnlyList<KeyValuePair<string, string>> criteria);
}
