using System.Text.Json.Serialization;

namespace Kakehashi.Platform.Eligibility;

/// <summary>The compact check request (docs/eligibility.md): a card, or the data of an insurance card.</summary>
public sealed class CheckRequest
{
    /// <summary>YYYY-MM-DD; today (JST) when absent.</summary>
    public string? VisitDate { get; set; }

    public CardInput? Card { get; set; }

    public InsuranceCardInput? InsuranceCard { get; set; }

    /// <summary>For bulk pre-checks: the caller's own reference for the row (an appointment id), echoed back.</summary>
    public string? Reference { get; set; }
}

public sealed class CardInput
{
    /// <summary>The user certificate as read at the card reader: base64 of its DER bytes.</summary>
    public string? Certificate { get; set; }

    public ConsentInput? Consent { get; set; }
}

public sealed class ConsentInput
{
    public List<string>? Categories { get; set; }

    /// <summary>ISO 8601 date-time with offset; the configured default (24 h) when absent.</summary>
    public string? ValidUntil { get; set; }
}

public sealed class InsuranceCardInput
{
    public string? InsurerNumber { get; set; }

    public string? Symbol { get; set; }

    public string? Number { get; set; }

    /// <summary>Two digits; omit only for an old card without 枝番.</summary>
    public string? Branch { get; set; }

    public string? BirthDate { get; set; }
}

public sealed class CheckResponse
{
    public required string Status { get; init; }

    public required string VisitDate { get; init; }

    public required DateTimeOffset CheckedAt { get; init; }

    public string? Reference { get; init; }

    public PatientOutput? Patient { get; init; }

    public QualificationOutput? Qualification { get; init; }

    public List<PublicExpenseOutput>? PublicExpenses { get; init; }

    /// <summary>For ambiguous: how many qualifications fit.</summary>
    public int? Candidates { get; init; }

    public ConsentOutput? Consent { get; init; }
}

public sealed record PatientOutput(string Id, string? Name, string? NameKana, string? BirthDate, string? Gender);

public sealed class QualificationOutput
{
    public required string Coverage { get; init; }

    public required string InsuredNumber { get; init; }

    public required string InsurerNumber { get; init; }

    public string? InsurerName { get; init; }

    public string? Symbol { get; init; }

    public required string Number { get; init; }

    public required string Branch { get; init; }

    public string? InsuranceType { get; init; }

    public string? Relationship { get; init; }

    public required string ValidFrom { get; init; }

    public string? ValidUntil { get; init; }

    public int? CopayPercent { get; init; }

    /// <summary>Present only when the patient consented to limit-certificate for this institution.</summary>
    public CodeOutput? LimitCategory { get; init; }

    public List<CodeOutput>? SpecificDiseases { get; init; }
}

public sealed record CodeOutput(string Code, string Display);

public sealed record PublicExpenseOutput(string Coverage, string PayerNumber, string? RecipientNumber, string ValidFrom, string? ValidUntil, int? CopayPercent);

public sealed record ConsentOutput(string Id, IReadOnlyList<string> Categories, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil);

/// <summary>A bulk pre-check: the booked patients, checked later.</summary>
public sealed class PrecheckRequest
{
    public List<CheckRequest>? Items { get; set; }
}

/// <summary>The state of an asynchronous job (upload or pre-check) and, when asked, its rows.</summary>
public sealed class JobOutput
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string Status { get; init; }

    public required int Total { get; init; }

    public required int Processed { get; init; }

    public required int Succeeded { get; init; }

    public required int Failed { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string? Error { get; init; }

    public List<JobRowOutput>? Rows { get; init; }

    /// <summary>Where to fetch the next rows, when there are more.</summary>
    public string? Next { get; init; }
}

public sealed record JobRowOutput(int Row, string Outcome, System.Text.Json.JsonElement Detail);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CheckRequest))]
[JsonSerializable(typeof(CheckResponse))]
[JsonSerializable(typeof(PrecheckRequest))]
[JsonSerializable(typeof(JobOutput))]
[JsonSerializable(typeof(UploadError))]
[JsonSerializable(typeof(RowError))]
[JsonSerializable(typeof(PrecheckError))]
public sealed partial class EligibilityJson : JsonSerializerContext
{
    /// <summary>As <see cref="JsonSerializerContext"/>'s default, but writing Japanese as itself rather than as \u escapes.</summary>
    public static EligibilityJson Relaxed { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    });
}

/// <summary>Why an upload row was refused.</summary>
public sealed record UploadError(string Message, string? Location);

/// <summary>A refused row: the line it is on (CSV or NDJSON), the status a single request would have had, and why.</summary>
public sealed record RowError(int Line, int Status, List<UploadError> Errors);

/// <summary>A pre-check item that could not be checked: its reference, the status a single check would have had, and why.</summary>
public sealed record PrecheckError(string? Reference, int Status, List<UploadError> Errors);
