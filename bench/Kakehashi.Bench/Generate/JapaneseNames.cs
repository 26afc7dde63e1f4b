namespace Kakehashi.Bench.Generate;

/// <summary>
/// Common Japanese surnames and given names with their usual readings, hand-written. Given names
/// are split into those typical of people born before about 1970 and after about 1990, so that an
/// 80-year-old is 和子 and a child is 陽葵.
/// </summary>
public static class JapaneseNames
{
    private const string FamilyTable = """
        佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト 中村:ナカムラ 小林:コバヤシ 加藤:カトウ
        吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ 松本:マツモト 井上:イノウエ 木村:キムラ 林:ハヤシ 斎藤:サイトウ 清水:シミズ
        山崎:ヤマザキ 森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ 石川:イシカワ 山下:ヤマシタ 中島:ナカジマ 石井:イシイ 小川:オガワ
        前田:マエダ 岡田:オカダ 長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ 近藤:コンドウ 村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト
        斉藤:サイトウ 福田:フクダ 太田:オオタ 西村:ニシムラ 藤井:フジイ 金子:カネコ 岡本:オカモト 藤原:フジワラ 中野:ナカノ 三浦:ミウラ
        原田:ハラダ 中川:ナカガワ 松田:マツダ 竹内:タケウチ 小野:オノ 田村:タムラ 中山:ナカヤマ 和田:ワダ 石田:イシダ 森田:モリタ
        上田:ウエダ 原:ハラ 内田:ウチダ 柴田:シバタ 酒井:サカイ 宮崎:ミヤザキ 横山:ヨコヤマ 高木:タカギ 安藤:アンドウ 宮本:ミヤモト
        大野:オオノ 小島:コジマ 谷口:タニグチ 今井:イマイ 工藤:クドウ 高田:タカダ 増田:マスダ 丸山:マルヤマ 杉山:スギヤマ 村田:ムラタ
        大塚:オオツカ 小山:コヤマ 藤本:フジモト 平野:ヒラノ 新井:アライ 河野:コウノ 上野:ウエノ 武田:タケダ 野口:ノグチ 松井:マツイ
        千葉:チバ 岩崎:イワサキ 菅原:スガワラ 木下:キノシタ 久保:クボ 佐野:サノ 野村:ノムラ 松尾:マツオ 市川:イチカワ 菊地:キクチ
        杉本:スギモト 古川:フルカワ 大西:オオニシ 島田:シマダ 水野:ミズノ 桜井:サクライ 高野:タカノ 渡部:ワタナベ 吉川:ヨシカワ 山内:ヤマウチ
        西田:ニシダ 飯田:イイダ 菊池:キクチ 西川:ニシカワ 小松:コマツ 北村:キタムラ 安田:ヤスダ 五十嵐:イガラシ 川口:カワグチ 平田:ヒラタ
        関:セキ 中田:ナカタ 久保田:クボタ 服部:ハットリ 東:ヒガシ 岩田:イワタ 土屋:ツチヤ 川崎:カワサキ 福島:フクシマ 本田:ホンダ
        辻:ツジ 樋口:ヒグチ 秋山:アキヤマ 田口:タグチ 永井:ナガイ 山中:ヤマナカ 中西:ナカニシ 吉村:ヨシムラ 川上:カワカミ 石原:イシハラ
        大橋:オオハシ 松岡:マツオカ 馬場:ババ 浅野:アサノ 荒木:アラキ 大久保:オオクボ 野田:ノダ 小池:コイケ 松下:マツシタ 熊谷:クマガイ
        菅野:カンノ 大川:オオカワ 星野:ホシノ 内藤:ナイトウ 比嘉:ヒガ 金城:キンジョウ 宮城:ミヤギ 望月:モチヅキ 片山:カタヤマ 早川:ハヤカワ
        """;

    private const string MaleClassicTable = """
        一郎:イチロウ 浩:ヒロシ 博:ヒロシ 茂:シゲル 清:キヨシ 勇:イサム 進:ススム 隆:タカシ 明:アキラ 実:ミノル
        修:オサム 正:タダシ 豊:ユタカ 稔:ミノル 和夫:カズオ 正男:マサオ 勝:マサル 昭:アキラ 弘:ヒロシ 秀樹:ヒデキ
        哲也:テツヤ 武:タケシ 太郎:タロウ 次郎:ジロウ 三郎:サブロウ 光男:ミツオ 信夫:ノブオ 義男:ヨシオ 幸雄:ユキオ 功:イサオ
        康弘:ヤスヒロ 健一:ケンイチ 浩二:コウジ 誠:マコト 聡:サトシ 学:マナブ 直樹:ナオキ 剛:ツヨシ 賢治:ケンジ 浩之:ヒロユキ
        """;

    private const string MaleModernTable = """
        翔太:ショウタ 大輔:ダイスケ 拓也:タクヤ 健太:ケンタ 亮:リョウ 大介:ダイスケ 達也:タツヤ 和也:カズヤ 雄一:ユウイチ 翔:ショウ
        蓮:レン 陽翔:ハルト 悠真:ユウマ 湊:ミナト 大翔:ヒロト 颯太:ソウタ 樹:イツキ 陸:リク 悠人:ユウト 蒼:アオイ
        結翔:ユイト 朝陽:アサヒ 奏太:カナタ 大和:ヤマト 拓海:タクミ 優斗:ユウト 海斗:カイト 陽太:ヨウタ 大樹:ダイキ 翼:ツバサ
        涼:リョウ 駿:シュン 航:ワタル 俊介:シュンスケ 雅人:マサト 智也:トモヤ 裕太:ユウタ 貴之:タカユキ 克也:カツヤ 健:ケン
        """;

    private const string FemaleClassicTable = """
        花子:ハナコ 幸子:サチコ 洋子:ヨウコ 恵子:ケイコ 京子:キョウコ 和子:カズコ 節子:セツコ 久美子:クミコ 由美子:ユミコ 裕子:ユウコ
        直美:ナオミ 真由美:マユミ 明美:アケミ 智子:トモコ 陽子:ヨウコ 典子:ノリコ 美智子:ミチコ 悦子:エツコ 順子:ジュンコ 文子:フミコ
        千代子:チヨコ トメ:トメ ハル:ハル 清子:キヨコ 弘子:ヒロコ 敏子:トシコ 礼子:レイコ 紀子:ノリコ 栄子:エイコ 芳子:ヨシコ
        静子:シズコ 光子:ミツコ 加奈子:カナコ 友美:トモミ 由紀:ユキ 理恵:リエ 浩美:ヒロミ 美穂:ミホ 恵:メグミ 香織:カオリ
        """;

    private const string FemaleModernTable = """
        愛:アイ 麻衣:マイ 彩:アヤ 舞:マイ 沙織:サオリ 由佳:ユカ 絵美:エミ 瞳:ヒトミ 優子:ユウコ 亜希子:アキコ
        真理子:マリコ 美香:ミカ 奈々:ナナ 美咲:ミサキ 陽菜:ヒナ 結衣:ユイ さくら:サクラ 葵:アオイ 凛:リン 結菜:ユイナ
        芽依:メイ 紬:ツムギ 陽葵:ヒマリ 澪:ミオ 杏:アン 莉子:リコ 美月:ミツキ 七海:ナナミ 彩花:アヤカ 楓:カエデ
        遥:ハルカ 優花:ユウカ 千尋:チヒロ 明日香:アスカ 真央:マオ 春香:ハルカ 綾乃:アヤノ 美優:ミユ 心春:コハル 芽生:メイ
        """;

    public static IReadOnlyList<NamePart> Family { get; } = Parse(FamilyTable);

    public static IReadOnlyList<NamePart> MaleClassic { get; } = Parse(MaleClassicTable);

    public static IReadOnlyList<NamePart> MaleModern { get; } = Parse(MaleModernTable);

    public static IReadOnlyList<NamePart> FemaleClassic { get; } = Parse(FemaleClassicTable);

    public static IReadOnlyList<NamePart> FemaleModern { get; } = Parse(FemaleModernTable);

    /// <summary>A given name fitting the birth year: classic before 1970, modern after 1990, either between.</summary>
    public static NamePart Given(DeterministicRandom random, bool female, int birthYear)
    {
        var modern = birthYear >= 1990 || (birthYear >= 1970 && random.Chance((birthYear - 1970) / 20.0));
        var list = (female, modern) switch
        {
            (true, true) => FemaleModern,
            (true, false) => FemaleClassic,
            (false, true) => MaleModern,
            (false, false) => MaleClassic,
        };
        return random.Pick(list);
    }

    private static NamePart[] Parse(string table) =>
        table.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split(':'))
            .Select(p => new NamePart(p[0], p[1]))
            .ToArray();
}
