using System.Text;
using Kakehashi.Platform.Prescriptions.DrugMaster;

namespace Kakehashi.Server.Tests.Prescriptions;

/// <summary>The drug master shipped with Kakehashi: the MHLW price list of 2025-07-16 and the curated supplement.</summary>
public sealed class DrugMasterTests
{
    private const string Header = "区分,薬価基準収載医薬品コード,成分名,規格,日本薬局方,麻薬,業者名追記,品名,メーカー名,診療報酬において加算等の算定対象となる後発医薬品,先発医薬品,同一剤形・規格の後発医薬品がある先発医薬品,薬価,経過措置による使用期限,備考";

    private static DrugMasterVersion Master => DrugMasterVersion.Embedded();

    private static DrugProduct Product(string yjCode) =>
        Master.Find(yjCode) ?? throw new InvalidOperationException(yjCode + " is not in the master");

    private static DrugProduct FirstOf(string ingredientName, DrugRoute route = DrugRoute.Internal) =>
        Master.Products.First(product => product.IngredientName == ingredientName && product.Route == route);

    private static MemoryStream Utf8(string text) => new(Encoding.UTF8.GetBytes(text));

    private static Stream EmbeddedSupplement() =>
        typeof(DrugMasterVersion).Assembly.GetManifestResourceStream(
            typeof(DrugMasterVersion).Assembly.GetManifestResourceNames().Single(name => name.EndsWith("supplement.json", StringComparison.Ordinal)))!;

    [Fact]
    public void Embedded_HoldsEveryProductOfThePublishedList()
    {
        Assert.Equal(12_434, Master.Products.Count);
        var routes = Master.Products.GroupBy(product => product.Route).ToDictionary(group => group.Key, group => group.Count());
        Assert.Equal(6_940, routes[DrugRoute.Internal]);
        Assert.Equal(3_486, routes[DrugRoute.Injection]);
        Assert.Equal(1_980, routes[DrugRoute.External]);
        Assert.Equal(28, routes[DrugRoute.Dental]);
        Assert.Equal(177, Master.Products.Count(product => product.Narcotic));
    }

    [Fact]
    public void Embedded_IsVersionedByListDateAndSupplementRevisionAndCarriesTheAttribution()
    {
        Assert.Equal($"mhlw-20250716+s{Master.Supplement.Revision}", Master.Version);
        Assert.Equal(new DateOnly(2025, 7, 16), Master.PublishedOn);
        Assert.Equal("出典：厚生労働省ホームページ（薬価基準収載品目リスト）", DrugMasterVersion.Attribution);
        Assert.Same(Master, DrugMasterVersion.Embedded());
    }

    [Fact]
    public void Find_ReadsARealProductAsPublished()
    {
        var estazolam = Product("1124001F1022");
        Assert.Equal("エスタゾラム", estazolam.IngredientName);
        Assert.Equal("ユーロジン１ｍｇ錠", estazolam.Name);
        Assert.Equal("１ｍｇ１錠", estazolam.Strength);
        Assert.Equal("武田テバ薬品", estazolam.Maker);
        Assert.Equal(6.1m, estazolam.Price);
        Assert.Equal(DrugRoute.Internal, estazolam.Route);
        Assert.Equal(new DosageForm('F', "錠", "tablet"), estazolam.DosageForm);
        Assert.Equal("1124001", estazolam.IngredientCode);
        Assert.False(estazolam.Narcotic);

        var morphine = Product("8114004G1027");
        Assert.True(morphine.Narcotic);
        Assert.Equal('G', morphine.DosageForm.Letter);
        Assert.Equal("徐放錠", morphine.DosageForm.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1124001F102")]
    [InlineData("1124001f1022")]
    [InlineData("620000000")]
    [InlineData("9999999X9999")]
    public void Find_ReturnsNullForCodesOutsideTheMaster(string code)
    {
        Assert.Null(Master.Find(code));
    }

    [Fact]
    public void DuplicateKey_IsSharedByProductsOfOneIngredientAndRouteOnly()
    {
        var powder = Product("1124001B1039");
        var tablet = Product("1124001F1022");
        Assert.NotEqual(powder.YjCode, tablet.YjCode);
        Assert.Equal(powder.DuplicateKey, tablet.DuplicateKey);

        // ジアゼパム tablet and injection: one ingredient, two routes.
        Assert.Equal(Product("1124017F2135").IngredientName, Product("1124402A1057").IngredientName);
        Assert.NotEqual(Product("1124017F2135").DuplicateKey, Product("1124402A1057").DuplicateKey);

        Assert.NotEqual(tablet.DuplicateKey, Product("1124007F1020").DuplicateKey);
    }

    [Fact]
    public void DuplicateKey_IgnoresAHydrateSuffixAndKeepsTheNameAcrossIngredientCodes()
    {
        // Listed as フェブキソスタット and フェブキソスタット水和物 under one ingredient code.
        Assert.Equal("フェブキソスタット水和物", Product("3949003F1112").IngredientName);
        Assert.Equal(Product("3949003F1023").DuplicateKey, Product("3949003F1112").DuplicateKey);

        // アスピリン is listed under two codes (analgesic 1143001, antiplatelet 3399007): still one ingredient.
        var aspirins = Master.Products.Where(product => product.IngredientName == "アスピリン" && product.Route == DrugRoute.Internal).ToList();
        Assert.True(aspirins.Select(product => product.IngredientCode).Distinct().Count() > 1);
        Assert.Single(aspirins.Select(product => product.DuplicateKey).Distinct());
    }

    [Fact]
    public void DuplicateKey_OfACombinationIsItsIngredientCode()
    {
        // 鎮咳配合剤 is a class name: フスコデ配合錠 and クロフェドリンＳ配合錠 share the code, the syrups have another.
        var fuscode = Product("2229101F1060");
        Assert.Equal("鎮咳配合剤", fuscode.IngredientName);
        Assert.Equal(fuscode.DuplicateKey, Product("2229101F1051").DuplicateKey);
        var syrup = Master.Products.First(product => product.IngredientName == "鎮咳配合剤" && product.IngredientCode != "2229101");
        Assert.NotEqual(fuscode.DuplicateKey, syrup.DuplicateKey);

        // カデュエット配合錠１番 and ２番: one name, two codes, not duplicates by the documented rule.
        Assert.Equal(Product("2190101F1020").IngredientName, Product("2190102F1025").IngredientName);
        Assert.NotEqual(Product("2190101F1020").DuplicateKey, Product("2190102F1025").DuplicateKey);
        Assert.True(DuplicateKeys.IsCombination("トラマドール塩酸塩・アセトアミノフェン"));
        Assert.False(DuplicateKeys.IsCombination("トラマドール塩酸塩"));
    }

    [Fact]
    public void Supplement_EveryKeyNamesAProduct()
    {
        Assert.Empty(Master.UnmatchedSupplementKeys);
        Assert.True(Master.Supplement.Contraindicated.Count >= 50);
    }

    [Fact]
    public void Supplement_AKeyMatchingNoProductIsReported()
    {
        var csv = Header + "\n内用薬,1124007F1020,トリアゾラム,０．１２５ｍｇ１錠,,,,ハルシオン０．１２５ｍｇ錠,ファイザー,,先発品,,9.8,,\n";
        const string Supplement = """
            { "revision": 9, "contraindicated": [ { "a": "トリアゾラム", "b": "バルデナフィル", "source": "x", "reason": "y" } ],
              "psychotropic": [], "newDrug": [], "poultice": { "route": "External", "dosageFormLetters": ["S"], "source": "z" } }
            """;
        var master = DrugMasterVersion.Load(Utf8(csv), Utf8(Supplement), "test+s9", new DateOnly(2025, 7, 16));
        Assert.Equal(["バルデナフィル"], master.UnmatchedSupplementKeys);
        Assert.Equal("test+s9", master.Version);
        Assert.Single(master.Products);
    }

    [Fact]
    public void Contraindications_FindsTriazolamAndItraconazoleInBothOrders()
    {
        var triazolam = Product("1124007F1020");
        var itraconazole = Product("6290004F1070");
        var forward = Assert.Single(Master.Contraindications(triazolam, itraconazole));
        var backward = Assert.Single(Master.Contraindications(itraconazole, triazolam));
        Assert.Same(forward, backward);
        Assert.Contains("ハルシオン", forward.Source, StringComparison.Ordinal);
        Assert.Contains("併用禁忌", forward.Source, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(forward.Reason));
    }

    [Fact]
    public void Contraindications_CoverTheOtherStrengthsAndFormsOfAnIngredient()
    {
        // Every ハルシオン strength against ノービア, every nitroglycerin form (tablet, tape, injection) against sildenafil.
        var ritonavir = Product("6250011F1024");
        Assert.NotEmpty(Master.Contraindications(Product("1124007F2026"), ritonavir));
        var sildenafil = FirstOf("シルデナフィルクエン酸塩");
        var nitroglycerins = Master.Products.Where(product => product.IngredientName == "ニトログリセリン").ToList();
        Assert.Equal(3, nitroglycerins.Select(product => product.Route).Distinct().Count());
        Assert.All(nitroglycerins, nitro => Assert.NotEmpty(Master.Contraindications(nitro, sildenafil)));
    }

    [Fact]
    public void Contraindications_LeaveOutPairsThatAreOnlyPrecautions()
    {
        // ワルファリン × アスピリン is 併用注意, not 併用禁忌; ワルファリン × ミコナゾール is 禁忌.
        var warfarin = FirstOf("ワルファリンカリウム");
        Assert.Empty(Master.Contraindications(warfarin, FirstOf("アスピリン")));
        Assert.NotEmpty(Master.Contraindications(warfarin, Product("6290003X1039")));
        // トリアゾラム × エスタゾラム: two hypnotics, a duplication question, not a contraindication.
        Assert.Empty(Master.Contraindications(Product("1124007F1020"), Product("1124001F1022")));
    }

    [Fact]
    public void Flags_MarkPsychotropicNewAndPoulticeProducts()
    {
        Assert.True(Product("1124001F1022").Psychotropic);   // エスタゾラム
        Assert.True(Product("1124007F1020").Psychotropic);   // トリアゾラム
        Assert.False(Product("2171022F2025").Psychotropic);  // アムロジピン
        Assert.False(Product("8114004G1027").Psychotropic);  // モルヒネ: a narcotic, not a psychotropic

        Assert.True(Product("1190033F1028").NewDrug);        // クービビック錠２５ｍｇ, listed 2024-11-20
        Assert.False(Product("1124001F1022").NewDrug);

        Assert.True(Product("2649735S2024").Poultice);       // ロキソニンテープ５０ｍｇ
        Assert.False(Product("1149019F1560").Poultice);      // ロキソニン錠６０ｍｇ: same ingredient, a tablet
        var poultices = Master.Products.Count(product => product.Poultice);
        Assert.Equal(297, poultices);
    }

    [Fact]
    public void PriceList_RefusesAHeaderWithoutAColumnItNeeds()
    {
        var csv = Header.Replace("成分名", "一般名", StringComparison.Ordinal) + "\n内用薬,1124007F1020,トリアゾラム,０．１２５ｍｇ１錠,,,,ハルシオン０．１２５ｍｇ錠,ファイザー,,,,9.8,,\n";
        var refused = Assert.Throws<InvalidDataException>(() => MhlwPriceList.Read(Utf8(csv)));
        Assert.Contains("「成分名」", refused.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => DrugMasterVersion.Load(Utf8(csv), EmbeddedSupplement(), "x", default));
    }

    [Fact]
    public void PriceList_ReadsQuotedFieldsWithCommasAndKeepsFullWidthCharacters()
    {
        var csv = Header + "\r\n外用薬,2649735S2024,ロキソプロフェンナトリウム水和物,\"７ｃｍ×１０ｃｍ１枚,　\"\"試験\"\"\",,,,ロキソニンテープ５０ｍｇ,リードケミカル,,先発品,,17.1,,\r\n";
        var row = Assert.Single(MhlwPriceList.Read(Utf8(csv)));
        Assert.Equal("７ｃｍ×１０ｃｍ１枚,　\"試験\"", row.Strength);
        Assert.Equal("ロキソニンテープ５０ｍｇ", row.Name);
        Assert.Equal(17.1m, row.Price);
        Assert.Equal(DrugRoute.External, row.Route);
    }
}
