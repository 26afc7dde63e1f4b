namespace Kakehashi.Platform.Sharing;

/// <summary>Settings of EHR information sharing (<c>Kakehashi:Sharing</c>, docs/sharing.md).</summary>
public sealed class SharingOptions
{
    public const string Section = "Kakehashi:Sharing";

    /// <summary>The shared documents (<c>Kakehashi:Sharing:Documents</c>).</summary>
    public Documents.DocumentOptions Documents { get; set; } = new();
}
