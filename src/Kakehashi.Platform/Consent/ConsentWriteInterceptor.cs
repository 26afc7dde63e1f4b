using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Security;
using Kakehashi.Fhir.Storage;
using Kakehashi.Fhir.Storage.Sql;
using Kakehashi.Platform.Security;

namespace Kakehashi.Platform.Consent;

/// <summary>
/// Before a write: refuses a malformed Consent (422, naming the element) so that the grant index
/// never disagrees with the record, and keeps authorship with whoever created the resource. A
/// consent-bound organization's new record, and an insurer's new patient data, carry its author
/// tag — it always sees what it created. Later writers, even ones allowed to change the record
/// (by consent), gain no ownership: the creator's tag is carried into every version, so that
/// neither the creator loses sight of its record nor a writer keeps sight once consent ends.
/// Author tags sent by any client but the operator's own systems are dropped.
/// </summary>
public sealed class ConsentWriteInterceptor(AccessPolicy policy) : IResourceWriteInterceptor
{
    public WriteStage Stage => WriteStage.Authorize;

    public ValueTask OnWritingAsync(Resource resource, WriteContext context, IResourceTransaction transaction, CancellationToken cancellationToken)
    {
        if (resource is Hl7.Fhir.Model.Consent consent)
        {
            _ = ConsentReader.Grants(consent);
        }

        var caller = context.Caller;
        if (caller is not null && caller.Role != KnownRoles.System)
        {
            // Authorship opens data to an organization, so only the server writes it: a label sent
            // by a client (even on a type its own writes are not labelled on) is dropped.
            resource.Meta?.Tag.RemoveAll(t => t.System == SqlAccessPredicate.AuthorTagSystem);
        }

        IReadOnlyList<string> authors = context.Current is { IsDeleted: false } current
            ? AuthorTags.Of(current.Json) // an update: the creator's, whoever writes now (none if nobody authored it)
            : caller is { OrganizationCode: { } organization } && caller.Role != KnownRoles.System && IsAuthorTagged(caller, resource.TypeName)
                ? [organization]
                : [];

        foreach (var author in authors)
        {
            resource.Meta ??= new Meta();
            if (!resource.Meta.Tag.Any(t => t.System == SqlAccessPredicate.AuthorTagSystem && t.Code == author))
            {
                resource.Meta.Tag.Add(new Coding(SqlAccessPredicate.AuthorTagSystem, author));
            }
        }

        return ValueTask.CompletedTask;
    }

    // What the restriction of the caller's organization lets through by authorship: consent-bound
    // organizations' writes of consent-governed types, an insurer's writes of patient data.
    private bool IsAuthorTagged(AccessContext caller, string type) =>
        (ConsentBinding.Binds(caller) && policy.IsConsentBound(type)) ||
        (caller.Role == KnownRoles.InsurerStaff && policy.PatientCompartment.ContainsKey(type));
}
