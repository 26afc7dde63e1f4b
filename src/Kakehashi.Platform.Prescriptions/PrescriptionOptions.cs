namespace Kakehashi.Platform.Prescriptions;

/// <summary>Settings of the prescription service (<c>Kakehashi:Prescriptions</c>, docs/prescriptions.md).</summary>
public sealed class PrescriptionOptions
{
    public const string Section = "Kakehashi:Prescriptions";

    /// <summary>PEM or DER files of the HPKI root certificates a prescriber's or pharmacist's signature must chain to.</summary>
    public List<string> TrustAnchors { get; set; } = [];

    /// <summary>PEM files of intermediate HPKI CAs (for verifying their CRLs); chains carry their own in <c>x5c</c>.</summary>
    public List<string> Intermediates { get; set; } = [];

    /// <summary>The PKCS#8 PEM of the ECDSA P-256 key that signs time-stamps; generated into the data directory when not given (several servers must share one).</summary>
    public string? TimeStampKeyPem { get; set; }

    /// <summary>The demo's HPKI test authority: generated into the data directory and trusted (never in production).</summary>
    public bool DemoAuthority { get; set; }
}
