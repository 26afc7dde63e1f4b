namespace Kakehashi.Platform.History;

/// <summary>What the treatment history lists (code system <see cref="KnownHistorySystems.TreatmentKind"/>).</summary>
public enum TreatmentKind
{
    /// <summary>手術: needs consent category <c>surgery</c> besides <c>treatment</c>.</summary>
    Surgery,

    /// <summary>移植 (organ, haematopoietic stem cell and corneal transplants): surgery, so also needs <c>surgery</c>.</summary>
    Transplant,

    /// <summary>人工透析 (haemodialysis, peritoneal dialysis, continuous haemofiltration).</summary>
    Dialysis,
}
