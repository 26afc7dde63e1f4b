using Kakehashi.Fhir.Terminology;

namespace Kakehashi.Platform.History;

/// <summary>
/// The 医科診療行為マスター as packaged (ePrescriptionData's JP_ProcedureCodesMedical_CS, the
/// complete master with names): whether a 9-digit procedure code exists, and its name.
/// </summary>
public sealed class ProcedureMaster(TerminologyService terminology)
{
    /// <summary>The master's name for the code; null when the code is not in it. Throws <see cref="TerminologyException"/> when the master is not loaded.</summary>
    public async Task<string?> NameAsync(string code, CancellationToken cancellationToken)
    {
        var (_, concept) = await terminology.LookupAsync(KnownHistorySystems.MedicalProcedureMaster, code, cancellationToken);
        return concept is null ? null : concept.Display ?? code;
    }

    /// <summary>The name, or null when the code is unknown or the master is not loaded (then nothing can be said of it).</summary>
    public async Task<string?> TryNameAsync(string code, CancellationToken cancellationToken)
    {
        try
        {
            return await NameAsync(code, cancellationToken);
        }
        catch (TerminologyException)
        {
            return null;
        }
    }
}
