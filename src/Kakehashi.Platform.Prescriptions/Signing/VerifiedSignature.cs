namespace Kakehashi.Platform.Prescriptions.Signing;

/// <summary>
/// A prescription's accepted signature: who signed (the leaf certificate), as what, and when
/// they say they signed. The caller decides what the qualification may sign (a pharmacist signs a
/// dispensing result, not a prescription).
/// </summary>
/// <param name="Subject">The leaf certificate's subject DN.</param>
/// <param name="Qualification">The qualification the leaf states (HPKI hcRole).</param>
/// <param name="SerialNumber">The leaf's serial number, hexadecimal (upper case, big-endian).</param>
/// <param name="Issuer">The leaf's issuer DN.</param>
/// <param name="NotAfter">When the leaf certificate expires.</param>
/// <param name="Thumbprint">SHA-256 of the leaf certificate, hexadecimal.</param>
/// <param name="SignedAt">Bundle.signature.when, as the signer stated it (not covered by the signature).</param>
/// <param name="Signer">Bundle.signature.who.reference (the Practitioner).</param>
/// <param name="Algorithm">The JWS algorithm (ES256, RS256 or PS256).</param>
/// <param name="Warnings">What was accepted but should be looked at, such as an outdated revocation list.</param>
public sealed record VerifiedSignature(
    string Subject,
    HealthcareQualification Qualification,
    string SerialNumber,
    string Issuer,
    DateTimeOffset NotAfter,
    string Thumbprint,
    DateTimeOffset SignedAt,
    string Signer,
    string Algorithm,
    IReadOnlyList<string> Warnings);
