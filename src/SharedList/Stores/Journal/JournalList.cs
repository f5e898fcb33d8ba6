using System.Text;

namespace SharedList.Stores.Journal;

/// <summary>One named list of a <see cref="JournalListStore"/>: its items in memory, and its share of the journal.</summary>
/// <remarks>Threading: every member but the key is read and written under the store's lock.</remarks>
internal sealed class JournalList : IStoredList
{
    private readonly JournalListStore _store;

    public JournalList(JournalListStore store, string key, int maxItems)
    {
        _store = store;
        Key = key;
        KeyBytes = Encoding.UTF8.GetBytes(key);
        Memory = new InMemoryList(key, maxItems);
    }

    /// <inheritdoc/>
    public string Key { get; }

    /// <summary>The key as the journal's records carry it.</summary>
    public byte[] KeyBytes { get; }

    /// <summary>The items, as the journal's records (written or pending) make them.</summary>
    public InMemoryList Memory { get; }

    /// <summary>The bytes of this list's records since its last clear: what a rewrite keeps.</summary>
    public long LiveBytes { get; set; }

    /// <summary>The number of the last batch that changed the list: a failed batch rebuilds the lists it changed.</summary>
    public long ChangedInBatch { get; set; }

    /// <inheritdoc/>
    public StoreResult Append(ReadOnlySpan<byte> utf8Item) => _store.Append(this, utf8Item);

    /// <inheritdoc/>
    public StoreResult Clear() => _store.Clear(this);

    /// <inheritdoc/>
    public StoreResult Read() => _store.Read(this);

    /// <inheritdoc/>
    public StoreResult Push(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items) => throw new NotImplementedException();

    /// <inheritdoc/>
    public StoreResult Pop(ListEnd end, int count) => throw new NotImplementedException();

    /// <inheritdoc/>
    public StoreResult Range(long start, long stop) => throw new NotImplementedException();

    /// <inheritdoc/>
    public StoreResult Count() => throw new NotImplementedException();

    /// <inheritdoc/>
    /// <remarks>For a log line: it may show changes whose records are not yet written.</remarks>
    public bool TryPeek(out ListSnapshot snapshot)
    {
        snapshot = Memory.Snapshot();
        return true;
    }
}
