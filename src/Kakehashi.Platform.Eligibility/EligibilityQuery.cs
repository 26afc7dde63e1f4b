namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// What reception asks: either the card certificate as read at the reader (with the consent the
/// patient gave there), or the data printed on an insurance card with the birth date; and the
/// date of the visit. Already validated by the endpoint that received it.
/// </summary>
public sealed record EligibilityQuery
{
    /// <summary>Card route: the key of the certificate (<see cref="CardKeys"/>).</summary>
    public string? CardKey { get; init; }

    /// <summary>Insurance-card route: the number (branch may be null for old cards) …</summary>
    public InsuredNumber? Number { get; init; }

    /// <summary>… and the birth date, which must match the insured person.</summary>
    public DateOnly? BirthDate { get; init; }

    public required DateOnly VisitDate { get; init; }

    /// <summary>The consent given at the card reader; only with <see cref="CardKey"/>.</summary>
    public ReaderConsent? Consent { get; init; }
}

/// <summary>Categories the patient agreed to at the reader (docs/security/consent.md), and until when.</summary>
public sealed record ReaderConsent(IReadOnlyList<string> Categories, DateTimeOffset? ValidUntil);

/// <summary>The answer to one check.</summary>
public sealed record EligibilityResult
{
    public required string Status { get; init; }

    public required DateOnly VisitDate { get; init; }

    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>The qualification the answer is about (not for not-found or ambiguous).</summary>
    public EligibilityCandidate? Match { get; init; }

    /// <summary>True when the limit category may be shown (the patient consented to limit-certificate for this institution).</summary>
    public bool LimitCategoryShown { get; init; }

    /// <summary>The public expenses in force on the visit date.</summary>
    public IReadOnlyList<PublicExpense> PublicExpenses { get; init; } = [];

    /// <summary>How many qualifications fit (2 or more for ambiguous).</summary>
    public int Candidates { get; init; }

    /// <summary>The Consent recorded from this check, if any.</summary>
    public RecordedConsent? Consent { get; init; }
}

public sealed record RecordedConsent(string Id, IReadOnlyList<string> Categories, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil);
