using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>
/// What the service reads from a document Bundle beyond its profile: the kind (Composition.type),
/// the patient, the identifier a correction shares, and for a referral the recipient institution
/// (the Organization of the 紹介先情報 section, code 910, by its institution number).
/// </summary>
public sealed record DocumentReader(string Kind, Composition Composition, Patient? Patient, int PatientIndex, string DocumentKey, string? RecipientCode, string? RecipientName, string? SenderName, string? RelatesToReplaces)
{
    public const string InstitutionNumberSystem = "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no";
    public const string InstitutionNumberOid = "urn:oid:1.2.392.100495.20.3.23";
    public const string SectionSystem = "http://jpfhir.jp/fhir/clins/CodeSystem/document-section";
    public const string RecipientSection = "910";

    public static DocumentReader Read(Bundle bundle)
    {
        if (bundle.Type != Bundle.BundleType.Document)
        {
            throw FhirException.Unprocessable("A shared document is a Bundle of type 'document'.", "Bundle.type");
        }

        if (bundle.Entry.FirstOrDefault()?.Resource is not Composition composition)
        {
            throw FhirException.Unprocessable("A document Bundle begins with its Composition.", "Bundle.entry[0].resource");
        }

        var typeCode = composition.Type?.Coding.Select(c => c.Code).FirstOrDefault(c => DocumentKinds.FromLoinc(c) is not null);
        var kind = DocumentKinds.FromLoinc(typeCode)
            ?? throw FhirException.Unprocessable("Composition.type is not a shared document: 57133-1 (診療情報提供書), 18842-5 (退院時サマリー) or 53576-5 (健康診断結果報告書).", "Bundle.entry[0].resource.type");

        var index = bundle.Entry.FindIndex(e => e.Resource is Patient);
        var patient = index >= 0 ? bundle.Entry[index].Resource as Patient : null;
        var key = composition.Identifier is { Value: { } value } id ? id.System + "|" + value
            : bundle.Identifier is { Value: { } bundleValue } bid ? bid.System + "|" + bundleValue
            : "urn:uuid:" + Guid.NewGuid().ToString("N");

        string? recipientCode = null;
        string? recipientName = null;
        var recipient = Sections(composition.Section)
            .FirstOrDefault(s => s.Code?.Coding.Any(c => c.System == SectionSystem && c.Code == RecipientSection) == true);
        if (recipient is not null)
        {
            foreach (var reference in recipient.Entry)
            {
                if (Resolve(bundle, reference.Reference) is Organization organization)
                {
                    recipientCode = InstitutionNumber(organization);
                    recipientName = organization.Name;
                    break;
                }
            }
        }

        var sender = Resolve(bundle, composition.Custodian?.Reference) as Organization;
        var replaces = composition.RelatesTo.FirstOrDefault(r => r.Code == DocumentRelationshipType.Replaces)?.Target switch
        {
            ResourceReference r => r.Reference,
            Identifier i => i.Value,
            _ => null,
        };
        return new DocumentReader(kind, composition, patient, index, key, recipientCode, recipientName, sender?.Name, replaces);
    }

    /// <summary>The organization's 10-digit institution number (JP Core system, its OID, or the ecs extension's identifier).</summary>
    public static string? InstitutionNumber(Organization organization) =>
        organization.Identifier.FirstOrDefault(i => i.System is InstitutionNumberSystem or InstitutionNumberOid)?.Value;

    private static IEnumerable<Composition.SectionComponent> Sections(IEnumerable<Composition.SectionComponent> sections)
    {
        foreach (var section in sections)
        {
            yield return section;
            foreach (var nested in Sections(section.Section))
            {
                yield return nested;
            }
        }
    }

    private static Resource? Resolve(Bundle bundle, string? reference) =>
        reference is null ? null : bundle.Entry.FirstOrDefault(e => e.FullUrl == reference)?.Resource;
}
