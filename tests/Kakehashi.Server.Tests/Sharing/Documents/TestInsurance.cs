using Kakehashi.Server.Tests.Eligibility;
using static Kakehashi.Server.Tests.Support.FhirHttp;

namespace Kakehashi.Server.Tests.Sharing.Documents;

/// <summary>Qualifications for the document tests: a patient insured by an insurer, as the insurer's register would hold it.</summary>
public static class TestInsurance
{
    /// <summary>
    /// Registers, through <paramref name="client"/>, a health-insurance Coverage of <paramref name="patient"/>
    /// under <paramref name="insurer"/>'s number (a new card number), from <paramref name="start"/> to
    /// <paramref name="end"/> (open when null); returns the Coverage id.
    /// </summary>
    public static async Task<string> InsureAsync(HttpClient client, string patient, string insurer, string start = "2020-04-01", string? end = null) =>
        (string)(await client.CreateAsync(EligibilityData.Coverage(patient, $"{insurer}:記号１:{EligibilityData.NewNumber()}:00", start, end).ToJsonString()))["id"]!;
}
