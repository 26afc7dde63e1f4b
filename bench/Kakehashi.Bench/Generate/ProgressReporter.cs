using System.Diagnostics;

namespace Kakehashi.Bench.Generate;

/// <summary>A one-line progress display (rewritten in place on a terminal, a line every 5 s otherwise).</summary>
public sealed class ProgressReporter(string unit, long total, TextWriter output)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly bool interactive = !Console.IsErrorRedirected;
    private TimeSpan lastPrint = TimeSpan.Zero;
    private long done;
    private long resources;

    public long Resources => resources;

    public TimeSpan Elapsed => clock.Elapsed;

    public void Advance(long units, long addedResources)
    {
        done += units;
        resources += addedResources;
        var now = clock.Elapsed;
        if (now - lastPrint >= (interactive ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(5)))
        {
            lastPrint = now;
            Print(final: false);
        }
    }

    public void Finish() => Print(final: true);

    private void Print(bool final)
    {
        var seconds = Math.Max(0.001, clock.Elapsed.TotalSeconds);
        var fraction = total == 0 ? 1 : (double)done / total;
        const int width = 30;
        var filled = (int)(fraction * width);
        var bar = new string('#', filled) + new string('.', width - filled);
        var eta = fraction > 0 && !final ? TimeSpan.FromSeconds(seconds / fraction - seconds) : TimeSpan.Zero;
        var line = $"[{bar}] {done:N0}/{total:N0} {unit}  {resources:N0} resources  {resources / seconds:N0} resources/s  {clock.Elapsed:hh\\:mm\\:ss}  ETA {eta:hh\\:mm\\:ss}";
        if (interactive && !final)
        {
            output.Write("\r" + line);
        }
        else
        {
            output.WriteLine((interactive ? "\r" : "") + line);
        }
    }
}
