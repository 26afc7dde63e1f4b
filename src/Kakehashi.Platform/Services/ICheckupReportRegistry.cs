using Hl7.Fhir.Model;
using Kakehashi.Fhir.Storage.Sql;

namespace Kakehashi.Platform.Services;

/// <summary>
/// The checkup history (健診結果, $checkup-history), which the history service keeps: a checkup
/// report submitted through EHR information sharing is registered there too, in the submitter's
/// transaction, so the report and the history never disagree.
/// </summary>
public interface ICheckupReportRegistry
{
    /// <summary>
    /// Registers (or, with the same document identifier from the same registrant, replaces) the
    /// report for <paramref name="patientKey"/>; throws a 422 FhirException naming the elements the
    /// history cannot read. Returns the history's report id.
    /// </summary>
    Task<string> RegisterAsync(ISqlTransaction transaction, string patientKey, string registrant, Bundle document, string documentJson, DateTimeOffset now, CancellationToken cancellationToken);
}
