namespace Kakehashi.Platform.Services;

/// <summary>What the drug master says of one drug code (<see cref="IDrugCodeDirectory"/>).</summary>
public enum DrugCodeVerdict
{
    /// <summary>The code names a drug of the master.</summary>
    Known,

    /// <summary>The code is of a system the master covers and names no drug of it (a typo, a made-up code, a malformed one).</summary>
    Unknown,

    /// <summary>The code is of a system the master does not cover, so it cannot say.</summary>
    NotChecked,
}
