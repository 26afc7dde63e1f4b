using System.Text.RegularExpressions;
using Kakehashi.Server.Tests.Eligibility;
using Kakehashi.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kakehashi.Server.Tests.Ui;

/// <summary>The browser server with the demo HPKI authority on: the demo-sign endpoint and its trust anchor (in the fixture's data directory).</summary>
public sealed class PrescriptionUiServerFixture : UiServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Kakehashi:Prescriptions:DemoAuthority"] = "true",
    };
}

/// <summary>
/// The e-prescription screens in a real browser: a doctor writes a prescription for the patient
/// the eligibility check found, sees the live check name a running dispensing of the same
/// ingredient from another pharmacy, signs and issues it; a pharmacist receives it by exchange
/// number and insurance card and registers the dispensing.
/// </summary>
public sealed class PrescriptionScreenTests(PrescriptionUiServerFixture server) : IClassFixture<PrescriptionUiServerFixture>
{
    private const string Loxonin = "ロキソニン錠６０ｍｇ";

    [Fact]
    public async Task Doctor_SeesTheDuplicateLive_SignsAndIssues_ThenAPharmacistReceivesAndDispensesIt()
    {
        var insurer = await EligibilityData.CreateInsurerAsync(server.Client);
        var insured = await EligibilityData.RegisterAsync(server.Client, insurer, branch: "01", symbol: "1234", birthDate: "1965-04-12");
        var hospital = await server.CreateOrganizationAsync("hospital");
        var doctor = await server.CreateAccountAsync("doctor", hospital);
        await TestConsents.GrantAsync(server.Client, insured.PatientId, hospital, "medication");
        // A running course of the same ingredient, dispensed today by another pharmacy.
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await server.Client.CreateAsync($$$$"""
        {"resourceType":"MedicationDispense","status":"completed","subject":{"reference":"Patient/{{{{insured.PatientId}}}}"},
         "medicationCodeableConcept":{"coding":[{"system":"urn:oid:1.2.392.100495.20.1.73","code":"1149019F1560","display":"{{{{Loxonin}}}}"}],"text":"{{{{Loxonin}}}}"},
         "performer":[{"actor":{"identifier":{"system":"http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no","value":"{{{{ServerFixture.NewInstitutionCode(4)}}}}"}}}],
         "quantity":{"value":42,"unit":"錠"},"daysSupply":{"value":14,"unit":"日","system":"http://unitsofmeasure.org","code":"d"},
         "whenHandedOver":"{{{{today}}}}","dosageInstruction":[{"text":"1日3回毎食後"}]}
        """);

        // The doctor checks the card, then writes the prescription for that patient.
        var page = await UiSignIn.SignInAsync(server, doctor, "/ui/#/eligibility");
        await page.GetByLabel("保険者番号", new() { Exact = true }).FillAsync(insured.Insurer);
        await page.GetByLabel("記号", new() { Exact = true }).FillAsync(insured.Symbol);
        await page.GetByLabel("番号", new() { Exact = true }).FillAsync(insured.Number);
        await page.GetByLabel("枝番", new() { Exact = true }).FillAsync("01");
        await page.GetByLabel("生年月日", new() { Exact = true }).FillAsync("S40.4.12");
        await page.GetByRole(AriaRole.Button, new() { Name = "資格を確認する" }).ClickAsync();
        await Expect(page.Locator("#eligibility-status")).ToContainTextAsync("有効");
        await page.GetByRole(AriaRole.Button, new() { Name = "この患者さんの処方箋を発行する" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "処方箋の発行" })).ToBeVisibleAsync();
        await Expect(page.Locator("#patient-card")).ToContainTextAsync("山田 花子");
        await page.GetByLabel("医療機関名").FillAsync("テスト病院");
        await page.GetByLabel("所在地").FillAsync("東京都千代田区１－１");
        await page.GetByLabel("電話番号").FillAsync("03-0000-0000");
        await page.GetByLabel("医籍登録番号").FillAsync("123456");
        await Expect(page.Locator("#drug-master-attribution")).ToContainTextAsync("出典：厚生労働省ホームページ（薬価基準収載品目リスト）");
        await page.GetByLabel("薬剤名・成分名").FillAsync("ロキソニン錠");
        await page.GetByRole(AriaRole.Button, new() { Name = Loxonin + "を追加" }).ClickAsync();
        await Expect(page.Locator("#rx-lines")).ToContainTextAsync(Loxonin);
        await Expect(page.Locator("#rx-lines")).ToContainTextAsync("21 錠");

        // The live check: the running course from the other pharmacy, named (consent given).
        var check = page.Locator("#rx-check");
        await Expect(check).ToContainTextAsync("重複投薬");
        await Expect(check).ToContainTextAsync(Loxonin);
        await Expect(check).Not.ToContainTextAsync("同意がないため");
        // Changing the days runs the check again on the new draft.
        await page.GetByLabel(Loxonin + "の日数").FillAsync("14");
        await Expect(page.Locator("#rx-lines")).ToContainTextAsync("42 錠");
        await Expect(check).ToContainTextAsync("重複投薬");

        await page.GetByRole(AriaRole.Button, new() { Name = "電子署名して発行" }).ClickAsync();
        var number = page.Locator("#exchange-number");
        await Expect(number).ToHaveTextAsync(new Regex("^[0-9]{6}$"));
        var exchangeNumber = (await number.TextContentAsync())!;
        await Expect(page.Locator(".issued")).ToContainTextAsync("未受付");
        await Expect(page.Locator("#dispensable-until")).ToContainTextAsync("令和");
        await Expect(page.Locator(".copy")).ToContainTextAsync("処方内容（控え）");
        await Expect(page.Locator("#issued-list")).ToContainTextAsync(exchangeNumber);
        await page.Context.CloseAsync();

        // The pharmacy receives it by exchange number and card, and registers what it dispensed.
        var pharmacy = await server.CreateOrganizationAsync("pharmacy");
        var pharmacist = await server.CreateAccountAsync("pharmacist", pharmacy);
        var counter = await UiSignIn.SignInAsync(server, pharmacist, "/ui/#/dispensing");
        await Expect(counter.GetByRole(AriaRole.Heading, new() { Name = "処方箋の受付・調剤" })).ToBeVisibleAsync();
        await counter.GetByLabel("引換番号").FillAsync(exchangeNumber);
        await counter.GetByLabel("保険者番号", new() { Exact = true }).FillAsync(insured.Insurer);
        await counter.GetByLabel("記号", new() { Exact = true }).FillAsync(insured.Symbol);
        await counter.GetByLabel("番号", new() { Exact = true }).FillAsync(insured.Number);
        await counter.GetByLabel("枝番", new() { Exact = true }).FillAsync("０１");
        await counter.GetByRole(AriaRole.Button, new() { Name = "処方箋を受け付ける" }).ClickAsync();

        var held = counter.Locator(".held");
        await Expect(held).ToContainTextAsync("山田 花子");
        await Expect(held).ToContainTextAsync(Loxonin);
        await Expect(held).ToContainTextAsync("内服・経口・１日３回朝昼夕食後");
        await Expect(held).ToContainTextAsync("テスト病院");
        await Expect(counter.Locator("#held-status")).ToContainTextAsync("受付済");
        await Expect(counter.GetByLabel(Loxonin + "の調剤量")).ToHaveValueAsync("42");
        await counter.GetByRole(AriaRole.Button, new() { Name = "電子署名して調剤結果を登録" }).ClickAsync();
        await Expect(counter.Locator("#held-status")).ToContainTextAsync("調剤済");
        await Expect(held).ToContainTextAsync("調剤結果を登録しました");
        await counter.Context.CloseAsync();
    }
}
