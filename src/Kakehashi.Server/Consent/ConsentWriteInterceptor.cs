using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Server.Audit;
using Kakehashi.Server.Security;

namespace Kakehashi.Server.Consent;

/// <summary>
/// Before a write: refuses a malformed Consent (422, naming the element) so that the grant index
/// never disagrees with the record, and stamps what a consent-bound organization writes with its
/// author tag — it always sees its own records, and a client cannot claim another's. Insurers'
/// writes of patient data are stamped too (they see their insured persons and what they wrote);
/// author tags sent by any client but the operator's own systems are dropped.
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

        if (AuditScope.Current?.Caller is { } caller && caller.Role != KnownRoles.System)
        {
            // Authorship opens data to an organization, so only the server writes it: a label sent
            // by a client (even on a type its own writes are not labelled on) is dropped.
            resource.Meta?.Tag.RemoveAll(t => t.System == SqlAccessPredicate.AuthorTagSystem);
            if (caller.OrganizationCode is not null && IsAuthorTagged(caller, resource.TypeName))
            {
                resource.Meta ??= new Meta();
                resource.Meta.Tag.Add(new Coding(SqlAccessPredicate.AuthorTagSystem, caller.OrganizationCode));
            }
        }

        return ValueTask.CompletedTask;
    }

    // What the restriction of the caller's organization lets through by authorship: consent-bound
    // organizations' writes of consent-governed types, an insurer's writes of patient data.
    private bool IsAuthorTagged(AccessContext caller, string type) =>
        (ConsentBinding.Binds(caller) && policy.ConsentCategoryByType.ContainsKey(type)) ||
        (caller.Role == KnownRoles.InsurerStaff && policy.PatientCompartment.ContainsKey(type));
}
