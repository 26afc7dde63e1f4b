using Hl7.Fhir.Model;

namespace Kakehashi.Platform.Services;

/// <summary>
/// What other services ask of the drug master (医薬品マスタ), which the prescription service keeps:
/// whether a drug code names a real drug. EHR information sharing checks the codes of the
/// prescriptions it is sent through this, and never reads the prescription service's master itself.
/// </summary>
public interface IDrugCodeDirectory
{
    /// <summary>
    /// One answer per coding, in order, all from the same version of the drug master in force. A
    /// code of a system the master covers (YJ code, 一般名処方コード) is <see cref="DrugCodeVerdict.Known"/>
    /// or <see cref="DrugCodeVerdict.Unknown"/>; any other system (HOT, レセプト電算コード, a local
    /// code) is <see cref="DrugCodeVerdict.NotChecked"/>.
    /// </summary>
    Task<IReadOnlyList<DrugCodeAnswer>> LookUpAsync(IReadOnlyList<Coding> codings, CancellationToken cancellationToken);
}
