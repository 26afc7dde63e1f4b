using Hl7.Fhir.Model;
using Kakehashi.Fhir.Terminology;

namespace Kakehashi.Fhir.Conformance;

/// <summary>Fills <see cref="CodeSystemAliases"/> from the NamingSystems of the packages and of the store.</summary>
public static class NamingSystemLoader
{
    /// <summary>Registers the aliases of every packaged NamingSystem; returns how many NamingSystems were read.</summary>
    public static async Task<int> LoadPackagedAsync(ConformanceResolver resolver)
    {
        var count = 0;
        foreach (var entry in resolver.Packages.OfType(KnownConformanceTypes.NamingSystem))
        {
            if (await resolver.LoadAsync(entry) is NamingSystem namingSystem)
            {
                NamingSystemAliases.Register(namingSystem, resolver.Aliases);
                count++;
            }
        }

        return count;
    }

    /// <summary>Registers the aliases of every NamingSystem stored at run time.</summary>
    public static async Task<int> LoadStoredAsync(StoredConformanceSource stored, CodeSystemAliases aliases, CancellationToken cancellationToken)
    {
        var all = await stored.AllAsync(KnownConformanceTypes.NamingSystem, [], cancellationToken);
        foreach (var namingSystem in all.OfType<NamingSystem>())
        {
            NamingSystemAliases.Register(namingSystem, aliases);
        }

        return all.Count;
    }
}
