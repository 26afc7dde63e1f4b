using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using static Kakehashi.Server.Tests.History.HistoryFixtures;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>Patients the browser tests open, registered through the API as an insurer does.</summary>
public static class UiData
{
    /// <summary>A patient (山田 花子) with a pharmacy claim, a dialysis claim and checkups in two years.</summary>
    public static async Task<string> PatientWithHistoryAsync(UiServerFixture server)
    {
        var insurer = await server.RegisterClientAsync("insurer-staff", "insurer");
        using var insurerClient = server.CreateClient(insurer);
        // An insurer works on its own insured persons only: it registers the person, then the qualification.
        var patient = await EligibilityData.CreatePatientAsync(insurerClient, "1980-04-01");
        await insurerClient.CreateAsync(Qualification(patient, insurer.OrganizationCode, "記号", EligibilityData.NewNumber(), "00"));
        await insurerClient.CreateAsync(Eob(patient, insurer.OrganizationCode, ServerFixture.NewInstitutionCode(4), "pharmacy",
            new Item(1, Amlodipine, "2026-10-05", 14, "アムロジピン錠５ｍｇ")).ToJsonString());
        await insurerClient.CreateAsync(Eob(patient, insurer.OrganizationCode, ServerFixture.NewInstitutionCode(1), "professional",
            Proc(1, Dialysis, "2026-10-06")).ToJsonString());
        foreach (var (date, value) in new[] { ("2025-06-02", 5.6m), ("2026-06-01", 5.9m) })
        {
            await (await insurerClient.SendAsync(HttpMethod.Post, $"Patient/{patient}/$submit-checkup",
                CheckupDocument("D-" + date + "-" + patient, date, ServerFixture.NewInstitutionCode(1), insurer.OrganizationCode, "1980-04-01", HbA1c(value)).ToJsonString()))
                .ExpectAsync(System.Net.HttpStatusCode.Created);
        }

        return patient;
    }
}
