namespace Kakehashi.Fhir.Search;

/// <summary><c>_contained</c>: <c>false</c> (the default), <c>true</c> or <c>both</c>.</summary>
public enum ContainedMode
{
    /// <summary>Only resources that are not contained.</summary>
    Off,

    /// <summary>Only resources contained in others.</summary>
    Only,

    /// <summary>Both.</summary>
    Both,
}
