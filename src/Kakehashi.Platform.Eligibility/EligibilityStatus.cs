namespace Kakehashi.Platform.Eligibility;

/// <summary>The answer of a check (code system <see cref="KnownEligibilitySystems.EligibilityStatusSystem"/>).</summary>
public static class EligibilityStatus
{
    /// <summary>One qualification covers the visit date.</summary>
    public const string Valid = "valid";

    /// <summary>The qualification found ended before the visit date (資格喪失).</summary>
    public const string Expired = "expired";

    /// <summary>The qualification found starts after the visit date.</summary>
    public const string NotYetValid = "not-yet-valid";

    /// <summary>No qualification has this insured number or card.</summary>
    public const string NotFound = "not-found";

    /// <summary>More than one qualification fits (a card linked to two insurers both in force, or a card without branch shared by people born the same day).</summary>
    public const string Ambiguous = "ambiguous";

    public static readonly IReadOnlyList<string> All = [Valid, Expired, NotYetValid, NotFound, Ambiguous];
}
