using System.Text.Json;
using Kakehashi.Bench.Runner;

namespace Kakehashi.Bench.Scenarios;

/// <summary>
/// Shared by the import scenarios: workers take the next transaction Bundle from one source and
/// POST it to the base URL; resources/s counts the entries of the Bundles that committed.
/// </summary>
public abstract class TransactionImport : IScenario
{
    private readonly Lock gate = new();
    private IEnumerator<byte[]>? source;

    public abstract string Name { get; }

    public abstract string Description { get; }

    public bool Finite => true;

    public abstract Task<string?> PrepareAsync(ScenarioContext context, CancellationToken cancellationToken);

    /// <summary>Starts the stream of Bundles (called from <see cref="PrepareAsync"/>).</summary>
    protected void SetSource(IEnumerable<byte[]> bundles)
    {
        source = bundles.GetEnumerator();
    }

    public async Task<bool> RunOnceAsync(ScenarioContext context, WorkerState worker, CancellationToken cancellationToken)
    {
        byte[] bundle;
        lock (gate)
        {
            if (source is null || !source.MoveNext())
            {
                return false;
            }

            bundle = source.Current;
        }

        var response = await context.SendAsync("transaction", HttpMethod.Post, "", bundle, cancellationToken);
        if (response.IsSuccess)
        {
            context.Recorder.AddResources(CountEntries(bundle));
        }

        return true;
    }

    private static int CountEntries(byte[] bundle)
    {
        var reader = new Utf8JsonReader(bundle);
        // Find "entry" at depth 1 and count its elements (objects at depth 2).
        var count = 0;
        var inEntry = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                inEntry = reader.ValueTextEquals("entry"u8);
            }
            else if (inEntry && reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2)
            {
                count++;
                reader.Skip();
            }
        }

        return count;
    }
}
