using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Server.Tests.Conformance;
using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>
/// 文書受信箱 in a real browser: a clinic's referral (the guide's example, addressed to the test
/// hospital) arrives as 新着; retrieving it is refused until the patient consents at reception, then
/// the letter reads as its sections; 受領確認 marks it; the screen switches to English.
/// </summary>
public sealed class SharingInboxScreenTests(UiServerFixture server) : IClassFixture<UiServerFixture>
{
    [Fact]
    public async Task Inbox_RetrieveIsRefusedWithoutConsent_ThenShowsTheLetter_AndAcknowledges()
    {
        var patient = await SharingUiData.CreatePatientAsync(server.Client, "紹介");
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        var clinic = await server.RegisterClientAsync("doctor", "clinic");
        using (var sender = server.CreateClient(clinic))
        {
            await SharingUiData.SendReferralAsync(sender, patient, hospital);
        }

        var page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/inbox");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "文書受信箱（電子カルテ情報共有サービス）" })).ToBeVisibleAsync();
        var inbox = page.Locator("#inbox");
        await Expect(inbox).ToContainTextAsync("新着");
        await Expect(inbox).ToContainTextAsync("診療情報提供書");
        await Expect(inbox).ToContainTextAsync(clinic.OrganizationCode);

        // No consent yet: the server's refusal, explained.
        await inbox.GetByRole(AriaRole.Button, new() { Name = "取得" }).ClickAsync();
        await Expect(page.Locator("#no-consent")).ToContainTextAsync("患者さんの同意がないため、この文書を取得できません。");

        await TestConsents.GrantAsync(server.Client, patient, hospital, "documents");
        await inbox.GetByRole(AriaRole.Button, new() { Name = "取得" }).ClickAsync();
        var document = page.Locator("#document");
        await Expect(document).ToContainTextAsync("紹介目的");
        await Expect(document).ToContainTextAsync("腹痛精査お願いします。");
        await Expect(document).ToContainTextAsync("港診療所");
        await Expect(document).ToContainTextAsync("傷病名・主訴");
        await Expect(document).ToContainTextAsync("2020年8月21日");
        await Expect(inbox).ToContainTextAsync("取得済");

        await document.GetByRole(AriaRole.Button, new() { Name = "受領確認" }).ClickAsync();
        await Expect(inbox).ToContainTextAsync("受領確認済");
        await Expect(document).ToContainTextAsync("受領確認日時");

        // English on request.
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Document inbox (EHR information sharing)" })).ToBeVisibleAsync();
        await Expect(inbox).ToContainTextAsync("Acknowledged");
        await Expect(inbox).ToContainTextAsync("Referral letter");
    }
}

/// <summary>Data for the sharing screens, set up through the API as a clinic's system would.</summary>
public static class SharingUiData
{
    public const string ReferralExample = "jp-clins/Bundle-Bundle-CLINS-Referral-Example-01.json";

    /// <summary>A patient (kanji and kana), born 1930-06-28 as the guide's referral example's patient.</summary>
    public static async Task<string> CreatePatientAsync(HttpClient client, string family) =>
        (string)(await client.CreateAsync(new JsonObject
        {
            ["resourceType"] = "Patient",
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = "urn:kakehashi:test", ["value"] = Guid.NewGuid().ToString("N") }),
            ["name"] = new JsonArray(
                new JsonObject { ["family"] = family, ["given"] = new JsonArray("花子"), ["text"] = family + " 花子" }),
            ["gender"] = "female",
            ["birthDate"] = "1930-06-28",
        }.ToJsonString()))["id"]!;

    /// <summary>The guide's referral example, addressed to <paramref name="recipient"/>, submitted by a clinic doctor's system.</summary>
    public static async Task<JsonNode> SendReferralAsync(HttpClient sender, string patient, string recipient)
    {
        var bundle = JpExamples.Json(ReferralExample);
        var entries = bundle["entry"]!.AsArray();
        var composition = entries[0]!["resource"]!.AsObject();
        composition["identifier"]!["value"] = "1311234567-2021-" + Guid.NewGuid().ToString("N")[..10];
        var section = composition["section"]!.AsArray().First(s => (string?)s!["code"]!["coding"]![0]!["code"] == "910")!;
        foreach (var reference in section["entry"]!.AsArray())
        {
            var organization = entries.FirstOrDefault(e => (string?)e!["fullUrl"] == (string?)reference!["reference"])?["resource"];
            if ((string?)organization?["resourceType"] == "Organization")
            {
                organization!["identifier"]![0]!["value"] = recipient;
            }
        }

        var response = await sender.SendAsync(HttpMethod.Post, $"/sharing/documents?patient={patient}", bundle.ToJsonString(), mediaType: "application/json");
        return await response.ExpectAsync(HttpStatusCode.Created);
    }
}
