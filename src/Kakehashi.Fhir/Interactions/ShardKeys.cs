using Hl7.Fhir.Model;
using Kakehashi.Fhir.Search;

namespace Kakehashi.Fhir.Interactions;

/// <summary>
/// The patient compartment a resource belongs to: the key a distributed PostgreSQL (Citus)
/// would shard on, so that one patient's data lives together (docs/adr/0002-postgres-shard-key.md),
/// and what consent and the patient portal are enforced on. A document Bundle belongs to the
/// subject of its Composition (<see cref="DocumentPatients"/>).
/// </summary>
public static class ShardKeys
{
    private static readonly string[] PatientParams = ["patient", "subject", "beneficiary", "individual"];

    public static string For(Resource resource, SearchIndex index)
    {
        if (resource is Patient)
        {
            return "Patient/" + resource.Id;
        }

        if (resource is Bundle bundle && DocumentPatients.KeyOf(bundle) is { } document)
        {
            return document;
        }

        foreach (var param in PatientParams)
        {
            var reference = index.References.FirstOrDefault(r => r.Param == param && r.TargetType == "Patient" && r.TargetId is not null);
            if (reference is not null)
            {
                return "Patient/" + reference.TargetId;
            }
        }

        // Non-patient data (organizations, practitioners, terminology) spreads by its own identity.
        return resource.TypeName + "/" + resource.Id;
    }
}
