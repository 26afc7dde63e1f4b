using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Kakehashi.Fhir.Tests.Build;

/// <summary>
/// The strict build is verified, not assumed: a misspelled property silently does nothing, so
/// this asks MSBuild what every shipped project actually evaluates to.
/// </summary>
public sealed class BuildSettingsTests
{
    /// <summary>Every project under src/, found rather than listed: a new service is covered the day it is added.</summary>
    public static TheoryData<string> Projects => new(ProjectPaths());

    [Fact]
    public void Projects_IncludeTheEngineThePlatformAndItsServices()
    {
        var projects = ProjectPaths().ToList();
        foreach (var name in (string[])["Kakehashi.Fhir", "Kakehashi.Platform", "Kakehashi.Platform.Eligibility", "Kakehashi.Platform.History", "Kakehashi.Server"])
        {
            Assert.Contains($"src/{name}/{name}.csproj", projects);
        }
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_BuildsWithWarningsAsErrorsNullableAndAnalyzers(string project)
    {
        var properties = Evaluate(project, "TreatWarningsAsErrors", "Nullable", "EnforceCodeStyleInBuild", "AnalysisLevel", "ManagePackageVersionsCentrally", "TargetFramework");

        Assert.Equal("true", properties["TreatWarningsAsErrors"]);
        Assert.Equal("enable", properties["Nullable"]);
        Assert.Equal("true", properties["EnforceCodeStyleInBuild"]);
        Assert.StartsWith("latest", properties["AnalysisLevel"]);
        Assert.Equal("true", properties["ManagePackageVersionsCentrally"]);
        Assert.Equal("net10.0", properties["TargetFramework"]);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_ReadsTheClockOnlyThroughTimeProvider(string project)
    {
        var (exitCode, output) = Run(RepositoryRoot(), "msbuild", Path.Combine(RepositoryRoot(), project), "-getItem:AdditionalFiles", "-getItem:PackageReference");

        Assert.True(exitCode == 0, output);
        var items = JsonNode.Parse(output)!["Items"]!;
        Assert.Contains(items["PackageReference"]!.AsArray(), p => (string?)p!["Identity"] == "Microsoft.CodeAnalysis.BannedApiAnalyzers");
        var banned = items["AdditionalFiles"]!.AsArray().Select(f => (string)f!["FullPath"]!).Single(f => f.EndsWith("BannedSymbols.txt", StringComparison.Ordinal));
        var symbols = File.ReadAllText(banned);
        foreach (var clock in (string[])["P:System.DateTime.Now;", "P:System.DateTime.UtcNow;", "P:System.DateTimeOffset.Now;", "P:System.DateTimeOffset.UtcNow;"])
        {
            Assert.Contains(clock, symbols, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Solution_IsDotnetFormatClean()
    {
        var (exitCode, output) = Run(RepositoryRoot(), "format", "Kakehashi.sln", "--verify-no-changes", "--no-restore");

        Assert.True(exitCode == 0, "dotnet format would change these files (run `dotnet format Kakehashi.sln`):\n" + output);
    }

    private static (int ExitCode, string Output) Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    private static Dictionary<string, string> Evaluate(string project, params string[] names)
    {
        var root = RepositoryRoot();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("msbuild");
        start.ArgumentList.Add(Path.Combine(root, project));
        foreach (var name in names)
        {
            start.ArgumentList.Add("-getProperty:" + name);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output + process.StandardError.ReadToEnd());
        var json = JsonNode.Parse(output)!["Properties"]!.AsObject();
        return json.ToDictionary(p => p.Key, p => (string?)p.Value ?? "");
    }

    private static IEnumerable<string> ProjectPaths() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot(), "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryRoot(), p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

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
