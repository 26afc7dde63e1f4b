using System.Reflection;
using System.Xml.Linq;
using Kakehashi.Platform.Eligibility;
using Kakehashi.Platform.History;
using Kakehashi.Platform.Prescriptions;
using Kakehashi.Platform.Security;
using Kakehashi.Platform.Sharing;

namespace Kakehashi.Server.Tests.Architecture;

/// <summary>
/// The shape the compiler keeps (docs/ARCHITECTURE.md, docs/adr/0004): the engine knows no other
/// project; the platform knows the engine; a national service (<c>Kakehashi.Platform.*</c>) knows
/// the platform and the engine, never another service or the host. Checked twice: on what the
/// project files declare, and on what the compiled assemblies actually reference.
/// </summary>
public sealed class ProjectGraphTests
{
    private const string Engine = "Kakehashi.Fhir";
    private const string Platform = "Kakehashi.Platform";
    private const string ServicePrefix = "Kakehashi.Platform.";

    /// <summary>What a project of <c>src/</c> may reference, by the project's name; null when any (the host).</summary>
    internal static IReadOnlySet<string>? Allowed(string project) => project switch
    {
        Engine => new HashSet<string>(),
        Platform => new HashSet<string> { Engine },
        _ when project.StartsWith(ServicePrefix, StringComparison.Ordinal) => new HashSet<string> { Platform, Engine },
        _ when project.StartsWith("Kakehashi.Storage.", StringComparison.Ordinal) => new HashSet<string> { Engine },
        "Kakehashi.Server" => null,
        _ => throw new InvalidOperationException($"{project} is in no layer: add it to docs/ARCHITECTURE.md and to this rule."),
    };

    internal static IEnumerable<string> Violations(string project, IEnumerable<string> references) =>
        Allowed(project) is { } allowed
            ? references.Where(r => !allowed.Contains(r)).Select(r => $"{project} → {r}")
            : [];

    [Fact]
    public void ProjectFiles_ReferenceOnlyTheirLowerLayers()
    {
        var projects = Directory.GetFiles(Path.Combine(RepositoryRoot(), "src"), "*.csproj", SearchOption.AllDirectories);
        var services = projects.Select(p => Path.GetFileNameWithoutExtension(p)).Where(n => n.StartsWith(ServicePrefix, StringComparison.Ordinal)).ToList();

        Assert.Contains("Kakehashi.Platform.Eligibility", services);
        Assert.Contains("Kakehashi.Platform.History", services);
        Assert.Contains("Kakehashi.Platform.Sharing", services);
        var violations = projects.SelectMany(p => Violations(
            Path.GetFileNameWithoutExtension(p),
            XDocument.Load(p).Descendants("ProjectReference").Select(r => Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!.Value.Replace('\\', '/')))));
        Assert.Empty(violations);
    }

    [Fact]
    public void CompiledAssemblies_ReferenceOnlyTheirLowerLayers()
    {
        Assembly[] assemblies = [typeof(Kakehashi.Fhir.Storage.IResourceStore).Assembly, typeof(AccessPolicy).Assembly, typeof(EligibilityExtensions).Assembly, typeof(HistoryExtensions).Assembly,
            typeof(PrescriptionsExtensions).Assembly, typeof(SharingExtensions).Assembly];

        var violations = assemblies.SelectMany(a => Violations(
            a.GetName().Name!,
            a.GetReferencedAssemblies().Select(r => r.Name!).Where(n => n.StartsWith("Kakehashi.", StringComparison.Ordinal))));
        Assert.Empty(violations);
    }

    [Fact]
    public void PlatformAndServiceSql_ReachesTheEngineTablesOnlyThroughSqlResourceTables()
    {
        var engineTable = new System.Text.RegularExpressions.Regex(@"\b(FROM|JOIN)\s+(resources|resource_versions|idx_[a-z]+|contained_resources)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var sources = Directory.GetDirectories(Path.Combine(RepositoryRoot(), "src"), Platform + "*")
            .SelectMany(d => Directory.GetFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(sources);
        var offenders = sources.SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => engineTable.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(RepositoryRoot(), x.f)}:{x.i + 1}: {x.line.Trim()}");
        Assert.Empty(offenders);
    }

    [Theory]
    [InlineData("Kakehashi.Platform.History", "Kakehashi.Platform.Eligibility")]
    [InlineData("Kakehashi.Platform.Eligibility", "Kakehashi.Server")]
    [InlineData("Kakehashi.Platform", "Kakehashi.Platform.Eligibility")]
    [InlineData("Kakehashi.Fhir", "Kakehashi.Platform")]
    public void TheRule_CatchesAReferenceUpOrAcross(string project, string reference) =>
        Assert.Single(Violations(project, [reference]));

    [Fact]
    public void AProjectInNoLayer_IsAnError() =>
        Assert.Throws<InvalidOperationException>(() => Violations("Kakehashi.Something", []).ToList());

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Kakehashi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Kakehashi.sln not found above the test binaries.");
    }
}
