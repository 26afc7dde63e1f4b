namespace Kakehashi.Fhir.Conformance;

/// <summary>A small least-recently-used cache; thread-safe by one lock (it sits on paths that parse files, never on hot ones).</summary>
public sealed class LruCache<TValue>(int capacity)
    where TValue : class
{
    private readonly Dictionary<string, LinkedListNode<(string Key, TValue Value)>> nodes = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, TValue Value)> order = new();
    private readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return nodes.Count;
            }
        }
    }

    public bool TryGet(string key, out TValue? value)
    {
        lock (gate)
        {
            if (nodes.TryGetValue(key, out var node))
            {
                order.Remove(node);
                order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public void Set(string key, TValue value)
    {
        lock (gate)
        {
            if (nodes.Remove(key, out var existing))
            {
                order.Remove(existing);
            }

            nodes[key] = order.AddFirst((key, value));
            while (nodes.Count > capacity && order.Last is { } last)
            {
                order.RemoveLast();
                nodes.Remove(last.Value.Key);
            }
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            nodes.Clear();
            order.Clear();
        }
    }
}
