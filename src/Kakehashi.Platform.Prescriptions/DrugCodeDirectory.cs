using Hl7.Fhir.Model;
using Kakehashi.Platform.Prescriptions.DrugMaster;
using Kakehashi.Platform.Services;

namespace Kakehashi.Platform.Prescriptions;

/// <summary>The drug master as other services see it (<see cref="IDrugCodeDirectory"/>): the version in force, by <see cref="DrugCodeLookup"/>.</summary>
public sealed class DrugCodeDirectory(DrugMasterProvider provider) : IDrugCodeDirectory
{
    public async Task<IReadOnlyList<DrugCodeAnswer>> LookUpAsync(IReadOnlyList<Coding> codings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(codings);
        if (codings.Count == 0)
        {
            return [];
        }

        var master = await provider.CurrentAsync(cancellationToken);
        return [.. codings.Select(coding => DrugCodeLookup.Answer(master, coding.System, coding.Code))];
    }
}
