using System.Globalization;
namespace Kakehashi.Bench.Generate;

/// <summary>The 47 prefectures, hand-written. Populations weight where people live.</summary>
public static class Prefectures
{
    private const string Table = """
        01 北海道 522 札幌市 旭川市 函館市
        02 青森県 124 青森市 八戸市 弘前市
        03 岩手県 121 盛岡市 一関市 奥州市
        04 宮城県 230 仙台市 石巻市 大崎市
        05 秋田県 96 秋田市 横手市 大仙市
        06 山形県 107 山形市 鶴岡市 酒田市
        07 福島県 183 福島市 郡山市 いわき市
        08 茨城県 287 水戸市 つくば市 日立市
        09 栃木県 193 宇都宮市 小山市 栃木市
        10 群馬県 194 前橋市 高崎市 太田市
        11 埼玉県 734 さいたま市 川越市 川口市
        12 千葉県 628 千葉市 船橋市 松戸市
        13 東京都 1405 新宿区 世田谷区 八王子市
        14 神奈川県 924 横浜市 川崎市 相模原市
        15 新潟県 220 新潟市 長岡市 上越市
        16 富山県 103 富山市 高岡市 射水市
        17 石川県 113 金沢市 白山市 小松市
        18 福井県 77 福井市 坂井市 越前市
        19 山梨県 81 甲府市 甲斐市 南アルプス市
        20 長野県 205 長野市 松本市 上田市
        21 岐阜県 198 岐阜市 大垣市 各務原市
        22 静岡県 363 静岡市 浜松市 富士市
        23 愛知県 754 名古屋市 豊田市 岡崎市
        24 三重県 177 津市 四日市市 鈴鹿市
        25 滋賀県 141 大津市 草津市 彦根市
        26 京都府 258 京都市 宇治市 亀岡市
        27 大阪府 884 大阪市 堺市 東大阪市
        28 兵庫県 547 神戸市 姫路市 西宮市
        29 奈良県 132 奈良市 橿原市 生駒市
        30 和歌山県 92 和歌山市 田辺市 橋本市
        31 鳥取県 55 鳥取市 米子市 倉吉市
        32 島根県 67 松江市 出雲市 浜田市
        33 岡山県 189 岡山市 倉敷市 津山市
        34 広島県 280 広島市 福山市 呉市
        35 山口県 134 山口市 下関市 宇部市
        36 徳島県 72 徳島市 阿南市 鳴門市
        37 香川県 95 高松市 丸亀市 坂出市
        38 愛媛県 133 松山市 今治市 新居浜市
        39 高知県 69 高知市 南国市 四万十市
        40 福岡県 514 福岡市 北九州市 久留米市
        41 佐賀県 81 佐賀市 唐津市 鳥栖市
        42 長崎県 131 長崎市 佐世保市 諫早市
        43 熊本県 174 熊本市 八代市 天草市
        44 大分県 112 大分市 別府市 中津市
        45 宮崎県 107 宮崎市 都城市 延岡市
        46 鹿児島県 159 鹿児島市 霧島市 鹿屋市
        47 沖縄県 147 那覇市 沖縄市 うるま市
        """;

    /// <summary>Town names for street addresses (common, found in many cities).</summary>
    public static readonly IReadOnlyList<string> Towns =
        ["本町", "中央", "栄町", "緑町", "旭町", "幸町", "朝日町", "東町", "西町", "南町", "北町", "若葉", "桜町", "泉町", "新町", "元町", "錦町", "宮前", "大手町", "城東"];

    public static IReadOnlyList<Prefecture> All { get; } = Parse();

    public static IReadOnlyList<double> PopulationWeights { get; } = All.Select(p => (double)p.Population).ToArray();

    public static double TotalPopulation { get; } = All.Sum(p => p.Population);

    private static Prefecture[] Parse() =>
        Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .Select(f => new Prefecture(int.Parse(f[0], CultureInfo.InvariantCulture), f[1], int.Parse(f[2], CultureInfo.InvariantCulture), f[3..]))
            .ToArray();
}
