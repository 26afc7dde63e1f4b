using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Server.Audit;
using Kakehashi.Server.Security;

namespace Kakehashi.Server.Consent;

/// <summary>
/// Before a write: refuses a malformed Consent (422, naming the element) so that the grant index
/// never disagrees with the record, and stamps what a consent-bound organization writes with its
/// author tag — it always sees its own records, and a client cannot claim another's.
/// </summary>
public sealed class ConsentWriteInterceptor(AccessPolicy policy) : IResourceWriteInterceptor
{
    // After enrichment (house codes), before validation.
    public int Order => 50;

    public ValueTask OnWritingAsync(Resource resource, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (resource is Hl7.Fhir.Model.Consent consent)
        {
            _ = ConsentReader.Grants(consent);
        }

        if (AuditScope.Current?.Caller is { } caller && ConsentBinding.Binds(caller) && policy.ConsentCategoryByType.ContainsKey(resource.TypeName))
        {
            resource.Meta ??= new Meta();
            resource.Meta.Tag.RemoveAll(t => t.System == SqlAccessPredicate.AuthorTagSystem);
            resource.Meta.Tag.Add(new Coding(SqlAccessPredicate.AuthorTagSystem, caller.OrganizationCode));
        }

        return ValueTask.CompletedTask;
    }
}
