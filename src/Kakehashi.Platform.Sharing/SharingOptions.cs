namespace Kakehashi.Platform.Sharing;

/// <summary>Settings of EHR information sharing (<c>Kakehashi:Sharing</c>, docs/sharing.md).</summary>
public sealed class SharingOptions
{
    public const string Section = "Kakehashi:Sharing";
}
