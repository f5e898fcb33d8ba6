using System.Collections.Concurrent;
using SharedList.Metrics;
using SocketServer.Sessions;

namespace SharedList.Stores;

/// <summary>
/// The lists kept in this process's memory: the default store, and the lab's. A restart starts empty; processes
/// share nothing (so <c>--reuse-port</c> is refused with it).
/// </summary>
/// <remarks>
/// <para>Threading: safe for any number of concurrent callers; each list is an <see cref="InMemoryList"/> with its
/// own lock, so operations on different lists never wait for each other.</para>
/// <para>A list exists while it holds an item, as a Redis key does: the operation that empties it deletes it, so
/// clients that name a million keys leave nothing behind once those lists are empty. A handle resolves its list at
/// each operation; a push that finds its list deleted under it (emptied by another client an instant before) looks
/// again and creates the next one.</para>
/// </remarks>
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

    /// <summary>The number of lists that exist now (that hold items).</summary>
    public int ListCount => _lists.Count;

    /// <inheritdoc/>
    IStoredList IListStore.GetList(string key) => GetList(key);

    /// <summary>The handle of the list named <paramref name="key"/>; getting it stores nothing.</summary>
    public MemoryStoredList GetList(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new MemoryStoredList(this, key);
    }

    /// <inheritdoc/>
    public StoreResult ListKeys() => StoreResult.Listed([.. _lists.Where(list => list.Value.Count > 0).Select(list => list.Key)]);

    /// <inheritdoc/>
    public StoreResult ClearAll()
    {
        var cleared = 0;
        foreach (var list in _lists.Values)
        {
            if (Change(list, static l => l.Clear()) > 0)
            {
                cleared++;
            }
        }

        return StoreResult.Cleared(cleared);
    }

    /// <inheritdoc/>
    IEnumerable<KeyValuePair<string, int>> IListLengths.ListLengths() => _lists.Select(list => new KeyValuePair<string, int>(list.Key, list.Value.Count));

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>The list named <paramref name="key"/> if it exists now.</summary>
    internal InMemoryList? Find(string key) => _lists.TryGetValue(key, out var list) ? list : null;

    /// <summary>The list named <paramref name="key"/>, created if need be. It may be deleted before the caller locks it: check <see cref="InMemoryList.IsDeleted"/> under its lock.</summary>
    internal InMemoryList GetOrCreate(string key)
    {
        var list = _lists.GetOrAdd(key, static (name, max) => new InMemoryList(name, max), MaxItems);
        if (list.IsDeleted)
        {
            // Deleted but not yet removed (the deleting thread is between the two): remove it for it.
            _lists.TryRemove(new KeyValuePair<string, InMemoryList>(key, list));
        }

        return list;
    }

    /// <summary>Runs <paramref name="change"/> (which may empty it) on <paramref name="list"/>, deleting the list if it is left empty.</summary>
    internal T Change<T>(InMemoryList list, Func<InMemoryList, T> change)
    {
        lock (list.Gate)
        {
            var result = change(list);
            DeleteIfEmpty(list);
            return result;
        }
    }

    /// <summary>Under the list's lock: a list left empty is deleted, so later pushes create a new one.</summary>
    internal void DeleteIfEmpty(InMemoryList list)
    {
        if (list.CountHeld == 0 && !list.IsDeleted)
        {
            list.IsDeleted = true;
            _lists.TryRemove(new KeyValuePair<string, InMemoryList>(list.Key, list));
        }
    }
}

/// <summary>The handle of one list of a <see cref="MemoryListStore"/>: the list is looked up at each operation.</summary>
/// <remarks>Threading: safe for any number of concurrent callers.</remarks>
public sealed class MemoryStoredList : IStoredList
{
    private readonly MemoryListStore _store;

    internal MemoryStoredList(MemoryListStore store, string key)
    {
        _store = store;
        Key = key;
    }

    /// <inheritdoc/>
    public string Key { get; }

    /// <summary>The number of items now.</summary>
    public int Count => _store.Find(Key)?.Count ?? 0;

    /// <inheritdoc/>
    public StoreResult Append(ReadOnlySpan<byte> utf8Item) => TryAppend(utf8Item) ? StoreResult.Appended : StoreResult.Full;

    /// <summary>Adds an item at the end, unless the list is full (see <see cref="InMemoryList.TryAppend"/>).</summary>
    public bool TryAppend(ReadOnlySpan<byte> utf8Item)
    {
        // Bounded in practice: each turn means another client emptied (deleted) the list since this one found it.
        while (true)
        {
            var list = _store.GetOrCreate(Key);
            lock (list.Gate)
            {
                if (!list.IsDeleted)
                {
                    return list.TryAppend(utf8Item);
                }
            }
        }
    }

    /// <inheritdoc/>
    public StoreResult Clear() => StoreResult.Cleared(ClearItems());

    /// <summary>Empties the list, deleting it.</summary>
    /// <returns>The number of items removed.</returns>
    public int ClearItems() => _store.Find(Key) is { } list ? _store.Change(list, static l => l.Clear()) : 0;

    /// <inheritdoc/>
    public StoreResult Read() => StoreResult.Read(Snapshot());

    /// <summary>The list as it is at one instant.</summary>
    public ListSnapshot Snapshot() => _store.Find(Key)?.Snapshot() ?? default;

    /// <inheritdoc/>
    public StoreResult Push(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items)
    {
        while (true)
        {
            var list = _store.GetOrCreate(Key);
            lock (list.Gate)
            {
                if (!list.IsDeleted)
                {
                    return list.Push(end, utf8Items);
                }
            }
        }
    }

    /// <inheritdoc/>
    public StoreResult Pop(ListEnd end, int count)
    {
        if (_store.Find(Key) is not { } list)
        {
            return StoreResult.Read(default, 0);
        }

        lock (list.Gate)
        {
            var popped = list.Pop(end, count);
            _store.DeleteIfEmpty(list);
            return popped;
        }
    }

    /// <inheritdoc/>
    public StoreResult Range(long start, long stop) => _store.Find(Key)?.Range(start, stop) ?? StoreResult.Read(default, 0);

    /// <inheritdoc/>
    StoreResult IStoredList.Count() => StoreResult.Counted(Count);

    /// <inheritdoc/>
    public bool TryPeek(out ListSnapshot snapshot)
    {
        snapshot = Snapshot();
        return true;
    }
}
