using System.Collections.Concurrent;
using SharedList.Metrics;
using SocketServer.Sessions;

namespace SharedList.Stores;

/// <summary>
/// The lists kept in this process's memory: the default store, and the lab's. A restart starts empty; processes
/// share nothing (so <c>--reuse-port</c> is refused with it).
/// </summary>
/// <remarks>Threading: safe for any number of concurrent callers; each list is an <see cref="InMemoryList"/>.</remarks>
public sealed class MemoryListStore : IListStore, IListLengths
{
    private readonly ConcurrentDictionary<string, InMemoryList> _lists = new(StringComparer.Ordinal);

    /// <summary>Creates a store whose lists hold at most <paramref name="maxItems"/> items each.</summary>
    public MemoryListStore(int maxItems = InMemoryList.DefaultMaxItems)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        MaxItems = maxItems;
    }

    /// <inheritdoc/>
    public int MaxItems { get; }

    /// <inheritdoc/>
    public ICommitter? Committer => null;

    /// <inheritdoc/>
    IStoredList IListStore.GetList(string key) => GetList(key);

    /// <summary>The list named <paramref name="key"/>, created empty on first use.</summary>
    public InMemoryList GetList(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _lists.GetOrAdd(key, static (name, max) => new InMemoryList(name, max), MaxItems);
    }

    /// <inheritdoc/>
    IEnumerable<KeyValuePair<string, int>> IListLengths.ListLengths() => _lists.Select(list => new KeyValuePair<string, int>(list.Key, list.Value.Count));

    /// <inheritdoc/>
    public StoreResult ListKeys() => StoreResult.Listed([.. _lists.Where(list => list.Value.Count > 0).Select(list => list.Key)]);

    /// <inheritdoc/>
    public StoreResult ClearAll()
    {
        var cleared = 0;
        foreach (var list in _lists.Values)
        {
            cleared += list.Clear() > 0 ? 1 : 0;
        }

        return StoreResult.Cleared(cleared);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
