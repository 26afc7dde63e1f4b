namespace Kakehashi.Server.Conformance;

/// <summary>The <c>Kakehashi:Conformance</c> section: where the FHIR packages come from.</summary>
public sealed class ConformanceOptions
{
    public const string Section = "Kakehashi:Conformance";

    /// <summary>Folder of FHIR packages (<c>.tgz</c>); default: the <c>packages</c> folder shipped beside the server.</summary>
    public string PackageFolder { get; set; } = Path.Combine(AppContext.BaseDirectory, "packages");

    /// <summary>Where packages are unpacked and indexed once (keyed by content hash, so it is safe to share and to delete).</summary>
    public string CacheFolder { get; set; } = Path.Combine(Path.GetTempPath(), "kakehashi-packages");
}
