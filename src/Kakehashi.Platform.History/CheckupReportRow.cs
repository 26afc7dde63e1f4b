namespace Kakehashi.Platform.History;

/// <summary>One row of <c>checkup_reports</c>.</summary>
public sealed record CheckupReportRow(
    string Id, string PatientKey, string Registrant, string DocumentSystem, string DocumentValue, DateOnly CheckupDate, DateTimeOffset RegisteredAt, string Document);
