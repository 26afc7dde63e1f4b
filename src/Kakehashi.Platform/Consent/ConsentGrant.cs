namespace Kakehashi.Platform.Consent;

/// <summary>One row of <c>consent_grants</c>: the patient lets this organization see this category for a time.</summary>
public sealed record ConsentGrant(string PatientKey, string OrganizationCode, string Category, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil);
