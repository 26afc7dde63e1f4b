using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Kakehashi.Bench.Runner;

/// <summary>Prints and saves a <see cref="BenchReport"/> (JSON for tools, Markdown for people).</summary>
public static class ReportWriter
{
    public static string ScenarioLine(ScenarioResult r)
    {
        if (r.Status is "unsupported" or "failed" && r.Requests == 0)
        {
            return $"   {r.Status}: {r.Note}";
        }

        var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"   {r.Status}: {r.Requests:N0} requests in {r.Seconds:N1}s = {r.RequestsPerSecond:N1} req/s, {r.Errors} errors");
        if (r.ResourcesPerSecond is { } rps)
        {
            line.Append(CultureInfo.InvariantCulture, $", {r.Resources:N0} resources = {rps:N0} resources/s");
        }

        if (r.ServerPeakRssMiB is { } peak)
        {
            line.Append(CultureInfo.InvariantCulture, $", server peak RSS {peak:N0} MiB");
        }

        foreach (var op in r.Operations)
        {
            line.Append(CultureInfo.InvariantCulture, $"\n     {op.Name,-22} n={op.Requests,-8} p50={op.P50Ms,8:N1}ms p95={op.P95Ms,8:N1}ms p99={op.P99Ms,8:N1}ms max={op.MaxMs,8:N1}ms errors={op.Errors}");
        }

        foreach (var sample in r.ErrorSamples.Take(3))
        {
            line.Append("\n     ! ").Append(sample);
        }

        return line.ToString();
    }

    public static string Markdown(BenchReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Kakehashi bench: {report.Label}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- date: {report.StartedAt:yyyy-MM-dd HH:mm zzz}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- commit: {report.Commit ?? "unknown"}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- server: {report.BaseUrl}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- machine: {report.Machine.Cpu}, {report.Machine.Cores} cores, {report.Machine.Os}, .NET {report.Machine.Runtime}, load at start {report.Machine.LoadAverage}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- concurrency {report.Concurrency}, duration {report.DurationSeconds:N0}s, warm-up {report.WarmupSeconds:N0}s");
        md.AppendLine();
        md.AppendLine("| scenario | status | requests | seconds | req/s | resources/s | errors | server peak RSS MiB | load at start |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in report.Scenarios)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Name} | {s.Status} | {s.Requests:N0} | {s.Seconds:N1} | {s.RequestsPerSecond:N1} | {(s.ResourcesPerSecond is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "")} | {s.Errors} | {(s.ServerPeakRssMiB is { } m ? m.ToString("N0", CultureInfo.InvariantCulture) : "")} | {s.LoadAtStart} |");
        }

        md.AppendLine();
        md.AppendLine("| scenario | operation | requests | errors | p50 ms | p95 ms | p99 ms | max ms |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in report.Scenarios)
        {
            foreach (var o in s.Operations)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Name} | {o.Name} | {o.Requests:N0} | {o.Errors} | {o.P50Ms:N1} | {o.P95Ms:N1} | {o.P99Ms:N1} | {o.MaxMs:N1} |");
            }
        }

        var notes = report.Scenarios.Where(s => s.Note is not null || s.ErrorSamples.Count > 0).ToList();
        if (notes.Count > 0)
        {
            md.AppendLine();
            foreach (var s in notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- **{s.Name}**: {s.Note}");
                foreach (var sample in s.ErrorSamples.Take(5))
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"  - `{sample.Replace('`', '\'')}`");
                }
            }
        }

        return md.ToString();
    }

    /// <summary>Writes {date}-{label}.json and .md; returns their paths.</summary>
    public static (string Json, string Markdown) Save(BenchReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, $"{report.StartedAt:yyyyMMdd-HHmmss}-{string.Concat(report.Label.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'))}");
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(report, BenchJson.Indented));
        File.WriteAllText(stem + ".md", Markdown(report));
        return (stem + ".json", stem + ".md");
    }
}
