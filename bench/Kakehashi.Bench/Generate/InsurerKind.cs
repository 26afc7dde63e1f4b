namespace Kakehashi.Bench.Generate;

/// <summary>Kinds of insurer (保険者), with their law code (法別番号); 0 for the 6-digit 国保 numbers.</summary>
public enum InsurerKind
{
    /// <summary>協会けんぽ (law 01).</summary>
    KyokaiKenpo,

    /// <summary>組合管掌健康保険 (law 06).</summary>
    HealthInsuranceSociety,

    /// <summary>共済組合 (law 31–34).</summary>
    MutualAid,

    /// <summary>市町村国保 (6 digits).</summary>
    MunicipalNationalHealthInsurance,

    /// <summary>国民健康保険組合 (6 digits).</summary>
    NationalHealthInsuranceSociety,

    /// <summary>後期高齢者医療広域連合 (law 39).</summary>
    LateStageElderly,
}
