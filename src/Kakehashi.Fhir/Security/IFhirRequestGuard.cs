using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;

namespace Kakehashi.Fhir.Security;

/// <summary>
/// Wraps every interaction the <see cref="FhirDispatcher"/> runs — HTTP requests and each
/// entry of a batch or transaction alike — so that authorization, narrowing and audit apply
/// however a request arrives. The guard may refuse (throw a 403 <see cref="Errors.FhirException"/>),
/// rewrite the request (narrow a search before it runs) and record the outcome.
/// </summary>
public interface IFhirRequestGuard
{
    Task<FhirResponse> GuardAsync(
        FhirRequest request,
        IResourceTransaction? transaction,
        Func<FhirRequest, Task<FhirResponse>> next,
        CancellationToken cancellationToken);
}
