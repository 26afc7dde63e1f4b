namespace Kakehashi.Bench.Generate;

/// <summary>
/// The clinical vocabulary of the generator. Every code here was seen in a published source:
/// JLAC10 / checkup codes, YJ codes, MEDIS keys and JFAGY codes are those of the JAMI examples in
/// shared/jpdata (JP Core, JP-CLINS, eCheckupReport) and of the server's demo bundle; ICD-10 codes
/// are standard WHO codes; usage codes (JAMI 用法コード) are those of the JP-CLINS examples. Where a
/// real code was not known, none is given. Display texts are the usual Japanese names and may
/// differ in wording from the masters.
/// </summary>
public static class ClinicalCatalog
{
    // --- labs (JLAC10) -------------------------------------------------------------------------
    public static readonly LabTest HbA1c = new("3D046000001906202", KnownSystems.Jlac10, "HbA1c(NGSP)", "%", "%", 4.6, 6.2, 1);
    public static readonly LabTest Triglycerides = new("3F015000002327101", KnownSystems.Jlac10, "中性脂肪", "mg/dL", "mg/dL", 30, 149, 0);
    public static readonly LabTest Hdl = new("3F070000002327101", KnownSystems.Jlac10, "HDLコレステロール", "mg/dL", "mg/dL", 40, 90, 0);
    public static readonly LabTest Ldl = new("3F077000002327101", KnownSystems.Jlac10, "LDLコレステロール", "mg/dL", "mg/dL", 60, 139, 0);
    public static readonly LabTest Ast = new("3B035000002327201", KnownSystems.Jlac10, "AST(GOT)", "U/L", "U/L", 13, 30, 0);
    public static readonly LabTest Alt = new("3B045000002327201", KnownSystems.Jlac10, "ALT(GPT)", "U/L", "U/L", 7, 30, 0);
    public static readonly LabTest Ggt = new("3B090000002327101", KnownSystems.Jlac10, "γ-GT", "U/L", "U/L", 9, 50, 0);
    public static readonly LabTest UricAcid = new("3C020000002327101", KnownSystems.Jlac10, "尿酸", "mg/dL", "mg/dL", 2.6, 7.0, 1);
    public static readonly LabTest Egfr = new("8A065000002391901", KnownSystems.Jlac10, "eGFR", "mL/min/1.73m2", "mL/min/{1.73_m2}", 60, 120, 1);
    public static readonly LabTest Potassium = new("3H015000002326101", KnownSystems.Jlac10, "カリウム", "mmol/L", "mmol/L", 3.6, 4.8, 1);

    // --- 特定健診 items ------------------------------------------------------------------------
    public static readonly LabTest Height = new("9N001000000000001", KnownSystems.CheckupItem, "身長", "cm", "cm", 140, 190, 1);
    public static readonly LabTest Weight = new("9N006000000000001", KnownSystems.CheckupItem, "体重", "kg", "kg", 35, 110, 1);
    public static readonly LabTest Bmi = new("9N011000000000001", KnownSystems.CheckupItem, "BMI", "kg/m2", "kg/m2", 18.5, 24.9, 1);
    public static readonly LabTest Waist = new("9N016160100000001", KnownSystems.CheckupItem, "腹囲", "cm", "cm", 60, 84.9, 1);
    public static readonly LabTest Systolic = new("9A751000000000001", KnownSystems.CheckupItem, "収縮期血圧", "mmHg", "mm[Hg]", 90, 129, 0);
    public static readonly LabTest Diastolic = new("9A761000000000001", KnownSystems.CheckupItem, "拡張期血圧", "mmHg", "mm[Hg]", 50, 84, 0);

    /// <summary>The blood tests of the annual checkup (in the order of the checkup report).</summary>
    public static readonly IReadOnlyList<LabTest> CheckupBloodTests = [Triglycerides, Hdl, Ldl, Ast, Alt, Ggt, HbA1c, UricAcid, Egfr];

    // --- drugs (YJ) ----------------------------------------------------------------------------
    public static readonly Drug Amlodipine = new("2171022F6276", "アムロジピンOD錠10mg", "1011000400000000", "1日1回朝食後", "TAB", 1, 1, 28, false);
    public static readonly Drug Metformin = new("3962002F1022", "メトホルミン塩酸塩錠250mg", "1013044400000000", "1日3回朝昼夕食後", "TAB", 1, 3, 28, false);
    public static readonly Drug Lemborexant = new("1190027F1022", "デエビゴ錠2.5mg", "1011100000000000", "1日1回就寝前", "TAB", 1, 1, 14, false);
    public static readonly Drug Acetaminophen300 = new("1141007F1063", "カロナール錠300", "1050710000000000", "発熱時", "TAB", 1, 1, 5, true);
    public static readonly Drug Acetaminophen500 = new("1141007F3023", "カロナール錠500", "1013044400000000", "1日3回朝昼夕食後", "TAB", 1, 3, 5, false);
    public static readonly Drug Carbocisteine = new("2233002F1280", "カルボシステイン錠250mg「サワイ」", "1013044400000000", "1日3回朝昼夕食後", "TAB", 2, 3, 5, false);
    public static readonly Drug Probiotic = new("2316009F1022", "ミヤBM錠", "1013044400000000", "1日3回朝昼夕食後", "TAB", 2, 3, 5, false);
    public static readonly Drug Suppository = new("2359800J1035", "新レシカルボン坐剤", "2R50410000000000", "便秘時", "KO", 1, 1, 5, true);
    public static readonly Drug Prednisolone = new("2456001F1310", "プレドニン錠5mg", "1011000400000000", "1日1回朝食後", "TAB", 2, 1, 5, false);
    public static readonly Drug CalciumVitaminD = new("3219100F1020", "デノタスチュアブル配合錠", "1011000400000000", "1日1回朝食後", "TAB", 2, 1, 28, false);

    // --- diagnoses -----------------------------------------------------------------------------
    public static readonly Disease Hypertension = new("hypertension", "高血圧症", "I10", "本態性（原発性＜一次性＞）高血圧（症）", "20061593", Amlodipine, true, []);
    public static readonly Disease Diabetes = new("diabetes", "2型糖尿病", "E119", "２型＜インスリン非依存性＞糖尿病，合併症を伴わないもの", null, Metformin, true, [HbA1c]);
    public static readonly Disease Dyslipidemia = new("dyslipidemia", "脂質異常症", "E785", "高脂血症，詳細不明", null, null, true, [Triglycerides, Hdl, Ldl]);
    public static readonly Disease Angina = new("angina", "狭心症", "I209", "狭心症，詳細不明", "20058911", Amlodipine, true, []);
    public static readonly Disease ChronicKidneyDisease = new("ckd", "慢性腎臓病", "N189", "慢性腎臓病，詳細不明", null, null, true, [Egfr, Potassium]);
    public static readonly Disease Osteoporosis = new("osteoporosis", "骨粗鬆症", "M819", "骨粗しょう＜鬆＞症，詳細不明", null, CalciumVitaminD, true, []);
    public static readonly Disease Insomnia = new("insomnia", "不眠症", "G470", "睡眠の導入及び維持の障害＜不眠症＞", null, Lemborexant, true, []);
    public static readonly Disease Asthma = new("asthma", "気管支喘息", "J459", "喘息，詳細不明", null, null, true, []);
    public static readonly Disease AllergicRhinitis = new("rhinitis", "アレルギー性鼻炎", "J304", "アレルギー性鼻炎，詳細不明", null, null, true, []);
    public static readonly Disease Reflux = new("gerd", "胃食道逆流症", "K219", "食道炎を伴わない胃食道逆流症", null, null, true, []);
    public static readonly Disease DuodenalUlcer = new("duodenal-ulcer", "十二指腸潰瘍", "K269", "十二指腸潰瘍，急性又は慢性の別不明，出血又は穿孔を伴わないもの", "20064049", null, true, []);

    public static readonly Disease UpperRespiratoryInfection = new("uri", "急性上気道炎", "J069", "急性上気道感染症，詳細不明", null, Carbocisteine, false, []);
    public static readonly Disease Fever = new("uri-fever", "急性上気道炎", "J069", "急性上気道感染症，詳細不明", null, Acetaminophen300, false, []);
    public static readonly Disease Gastroenteritis = new("gastroenteritis", "感染性胃腸炎", "A09", "感染症と推定される下痢及び胃腸炎", null, Probiotic, false, []);
    public static readonly Disease Constipation = new("constipation", "便秘症", "K590", "便秘", null, Suppository, false, []);
    public static readonly Disease UpperAbdominalPain = new("epigastric-pain", "上腹部痛", "R101", "上腹部に限局する疼痛", "20065011", Acetaminophen500, false, []);
    public static readonly Disease AbdominalPain = new("abdominal-pain", "腹痛症", "R104", "その他及び詳細不明の腹痛", "20075383", Acetaminophen500, false, []);
    public static readonly Disease AsthmaAttack = new("asthma-attack", "喘息発作", "J459", "喘息，詳細不明", null, Prednisolone, false, []);
    public static readonly Disease DentalCaries = new("caries", "う蝕", "K029", "う蝕，詳細不明", null, null, false, []);
    public static readonly Disease Gingivitis = new("gingivitis", "慢性歯肉炎", "K051", "慢性歯肉炎", null, null, false, []);

    public static readonly Disease Pneumonia = new("pneumonia", "肺炎", "J189", "肺炎，詳細不明", null, null, false, []);
    public static readonly Disease ForearmFracture = new("forearm-fracture", "前腕骨折", "S529", "前腕の骨折，部位不明", "20080427", Acetaminophen500, false, []);
    public static readonly Disease GastricCancer = new("gastric-cancer", "胃癌", "C169", "胃，部位不明", "20054178", null, true, []);

    /// <summary>Chronic diseases with a rough prevalence by age: (disease, onset age, probability at 70).</summary>
    public static readonly IReadOnlyList<(Disease Disease, int FromAge, double AtSeventy)> ChronicPrevalence =
    [
        (Hypertension, 30, 0.50),
        (Diabetes, 35, 0.18),
        (Dyslipidemia, 35, 0.30),
        (Angina, 50, 0.05),
        (ChronicKidneyDisease, 50, 0.12),
        (Osteoporosis, 55, 0.15),
        (Insomnia, 20, 0.12),
        (Asthma, 3, 0.04),
        (AllergicRhinitis, 5, 0.12),
        (Reflux, 30, 0.08),
        (DuodenalUlcer, 30, 0.02),
    ];

    /// <summary>Illnesses of an outpatient visit, with relative frequency.</summary>
    public static readonly IReadOnlyList<(Disease Disease, double Weight)> AcuteIllnesses =
    [
        (UpperRespiratoryInfection, 40),
        (Fever, 20),
        (Gastroenteritis, 12),
        (Constipation, 6),
        (UpperAbdominalPain, 6),
        (AbdominalPain, 6),
        (AsthmaAttack, 3),
    ];

    public static readonly IReadOnlyList<Disease> DentalIllnesses = [DentalCaries, Gingivitis];

    /// <summary>Reasons for an admission, with relative frequency.</summary>
    public static readonly IReadOnlyList<(Disease Disease, double Weight)> AdmissionReasons =
    [
        (Pneumonia, 50),
        (ForearmFracture, 35),
        (GastricCancer, 15),
    ];

    public static readonly IReadOnlyList<Allergen> FoodAllergens =
    [
        new("J9FA15000016", "小麦粉"),
        new("J9FA32540000", "キウイフルーツ"),
        new("J9FC11310000", "さば"),
    ];

    /// <summary>Drug allergies as text only (as in the demo data): no drug-class code system is in use yet.</summary>
    public static readonly IReadOnlyList<string> DrugAllergies = ["ペニシリン系抗菌薬", "セフェム系抗菌薬", "NSAIDs（解熱鎮痛薬）", "ヨード造影剤"];
}
