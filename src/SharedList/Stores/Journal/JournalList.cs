namespace SharedList.Stores.Journal;

/// <summary>
/// The handle of one named list of a <see cref="JournalListStore"/>: a key, resolved to the list's items under the
/// store's lock at each operation, so that a handle kept while its list is emptied (and dropped) and filled again
/// still sees the live list, and holding one keeps nothing in the store.
/// </summary>
/// <remarks>Threading: immutable; every operation takes the store's lock.</remarks>
internal sealed class JournalList : IStoredList
{
    private readonly JournalListStore _store;

    public JournalList(JournalListStore store, string key, byte[] keyBytes)
    {
        _store = store;
        Key = key;
        KeyBytes = keyBytes;
    }

    /// <inheritdoc/>
    public string Key { get; }

    /// <summary>The key as the journal's records carry it.</summary>
    public byte[] KeyBytes { get; }

    /// <inheritdoc/>
    public StoreResult Append(ReadOnlySpan<byte> utf8Item) => _store.Append(this, utf8Item);

    /// <inheritdoc/>
    public StoreResult Clear() => _store.Clear(this);

    /// <inheritdoc/>
    public StoreResult Read() => _store.Read(this);

    /// <inheritdoc/>
    public StoreResult Push(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items) => _store.Push(this, end, utf8Items);

    /// <inheritdoc/>
    public StoreResult Pop(ListEnd end, int count) => _store.Pop(this, end, count);

    /// <inheritdoc/>
    public StoreResult Range(long start, long stop) => _store.Range(this, start, stop);

    /// <inheritdoc/>
    public StoreResult Count() => _store.Count(this);

    /// <inheritdoc/>
    /// <remarks>For a log line: it may show changes whose records are not yet written.</remarks>
    public bool TryPeek(out ListSnapshot snapshot)
    {
        snapshot = _store.Peek(this);
        return true;
    }
}
