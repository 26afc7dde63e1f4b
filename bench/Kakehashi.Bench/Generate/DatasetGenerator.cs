namespace Kakehashi.Bench.Generate;

/// <summary>
/// The whole dataset as a stream of batches: the shared organizations and staff first, then people
/// a few at a time. Only one batch is in memory at once, so a million people need no more memory
/// than a thousand.
/// </summary>
public sealed class DatasetGenerator
{
    private readonly GeneratorOptions options;

    public DatasetGenerator(GeneratorOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.People);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Years);
        this.options = options;
        Registry = Registry.Create(options);
    }

    public Registry Registry { get; }

    public GeneratorOptions Options => options;

    /// <summary>Batches of at most <paramref name="sharedBatchSize"/> shared resources.</summary>
    public IEnumerable<List<GeneratedResource>> SharedBatches(int sharedBatchSize = 500)
    {
        var json = new FhirJson();
        var batch = new List<GeneratedResource>(sharedBatchSize);
        foreach (var resource in SharedResources.All(Registry, json))
        {
            batch.Add(resource);
            if (batch.Count == sharedBatchSize)
            {
                yield return batch;
                batch = new List<GeneratedResource>(sharedBatchSize);
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>The resources of <paramref name="peoplePerBatch"/> people at a time, in index order.</summary>
    public IEnumerable<PeopleBatch> PeopleBatches(int peoplePerBatch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peoplePerBatch);
        var json = new FhirJson();
        var people = new PersonGenerator(options, Registry);
        for (long first = 0; first < options.People; first += peoplePerBatch)
        {
            var batch = new List<GeneratedResource>(64 * peoplePerBatch);
            var last = Math.Min(options.People, first + peoplePerBatch);
            for (var index = first; index < last; index++)
            {
                people.Generate(index, json, batch);
            }

            yield return new PeopleBatch((int)(last - first), batch);
        }
    }
}
