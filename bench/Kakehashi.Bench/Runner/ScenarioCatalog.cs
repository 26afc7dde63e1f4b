namespace Kakehashi.Bench.Runner;

/// <summary>Every <see cref="IScenario"/> in this assembly, by name.</summary>
public static class ScenarioCatalog
{
    public static IReadOnlyDictionary<string, Func<IScenario>> All { get; } = Discover();

    public static IScenario Create(string name) =>
        All.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown scenario '{name}'. Known: {string.Join(", ", All.Keys)}");

    private static Dictionary<string, Func<IScenario>> Discover()
    {
        var scenarios = new Dictionary<string, Func<IScenario>>(StringComparer.Ordinal);
        foreach (var type in typeof(IScenario).Assembly.GetTypes())
        {
            if (type.IsAbstract || type.IsInterface || !typeof(IScenario).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null)
            {
                continue;
            }

            IScenario Factory() => (IScenario)Activator.CreateInstance(type)!;
            scenarios.Add(Factory().Name, Factory);
        }

        return scenarios.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
    }
}
