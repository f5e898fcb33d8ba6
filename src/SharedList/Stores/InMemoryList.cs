using SharedList.Protocol;

namespace SharedList.Stores;

/// <summary>One list kept in this process's memory, as the seed's <c>lista = []</c>: the list of the memory store, and the journal store's list in memory.</summary>
/// <remarks>
/// <para>The list is kept as its own <c>str(list)</c> rendering, in the compact form of
/// <see cref="CompactListBody"/> (each item's escaped repr after one marker byte), appended into chunks that are
/// never moved or rewritten (<see cref="ChunkedBuffer"/>). An append renders its item once, straight from the
/// message's UTF-8; a <c>LIST</c> copies bytes out. A 16-byte item costs 17 bytes, against about 18 in a Redis
/// list, and nothing but the chunks is allocated: no object per item, and none per append.</para>
/// <para>Threading: safe for any number of concurrent callers. One lock orders every operation, which makes the
/// store linearizable; an append holds it for O(item length), the rest for O(1). Snapshots cost O(1) and are
/// taken under the lock but read outside it, so a large <c>LIST</c> never blocks appends: bytes below the
/// published length are never written again (appends write past it, and <see cref="Clear"/> starts a new
/// chunk array instead of wiping this one).</para>
/// <para>Memory: a <see cref="Clear"/> of chunks that no snapshot was ever given keeps them for the items that
/// follow, as an allocator keeps freed memory: a list cleared and filled again, as a load test does at every
/// point, then costs no allocation and no page fault (docs/BENCHMARKS.md). So an empty store may hold the chunks
/// of the longest list since a snapshot was last taken: never more than <see cref="MaxItems"/> allows.</para>
/// </remarks>
public sealed class InMemoryList : IStoredList
{
    /// <summary>
    /// The default <see cref="MaxItems"/>: ten million. A bound on what clients can make the server hold, far
    /// above any lab use: an item costs its repr plus one byte, so 10 million 16-byte items take 170 MB.
    /// </summary>
    public const int DefaultMaxItems = 10_000_000;

    /// <summary>
    /// The largest chunk: 64 KiB, so a long list wastes at most that much at its tail, and a new chunk is
    /// needed only every few thousand short items.
    /// </summary>
    internal const int DefaultMaxChunkBytes = 64 * 1024;

    private readonly Lock _gate = new();
    private readonly ChunkedBuffer _body;
    private int _count;
    private byte _lastQuote;

    // True once a snapshot has been given the current chunks: a clear must then leave them to it.
    private bool _chunksShared;

    /// <summary>Creates an empty list that holds at most <paramref name="maxItems"/> items.</summary>
    public InMemoryList(int maxItems = DefaultMaxItems)
        : this(maxItems, DefaultMaxChunkBytes, string.Empty)
    {
    }

    /// <summary>Creates the empty list named <paramref name="key"/>.</summary>
    public InMemoryList(string key, int maxItems = DefaultMaxItems)
        : this(maxItems, DefaultMaxChunkBytes, key)
    {
    }

    /// <summary>Creates an empty list with chunks of at most <paramref name="maxChunkBytes"/> bytes (small ones test the chunk boundaries).</summary>
    internal InMemoryList(int maxItems, int maxChunkBytes, string key = "")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        MaxItems = maxItems;
        _body = new ChunkedBuffer(maxChunkBytes);
    }

    /// <inheritdoc/>
    public string Key { get; }

    /// <summary>The most items the list holds; an append past it is refused.</summary>
    public int MaxItems { get; }

    /// <summary>The number of items now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <inheritdoc/>
    public StoreResult Append(ReadOnlySpan<byte> utf8Item) => TryAppend(utf8Item) ? StoreResult.Appended : StoreResult.Full;

    /// <inheritdoc/>
    StoreResult IStoredList.Clear() => StoreResult.Cleared(Clear());

    /// <inheritdoc/>
    public StoreResult Push(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items) =>
        TryPush(end, utf8Items, out var length) ? StoreResult.Pushed(length) : StoreResult.Full;

    /// <inheritdoc/>
    public StoreResult Pop(ListEnd end, int count)
    {
        var popped = Pop(end, count, out var before);
        return StoreResult.Read(popped, before);
    }

    /// <inheritdoc/>
    public StoreResult Range(long start, long stop)
    {
        var items = Range(start, stop, out var length);
        return StoreResult.Read(items, length);
    }

    /// <inheritdoc/>
    StoreResult IStoredList.Count() => StoreResult.Counted(Count);

    /// <summary>Pushes <paramref name="utf8Items"/> at <paramref name="end"/>, all or none (see <see cref="IStoredList.Push"/>).</summary>
    /// <param name="end">Where they go.</param>
    /// <param name="utf8Items">The items, as UTF-8.</param>
    /// <param name="length">The length after, or the unchanged length when the list cannot take them all.</param>
    /// <returns>False when nothing was stored: the list cannot take them all.</returns>
    public bool TryPush(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items, out int length) => throw new NotImplementedException();

    /// <summary>Removes up to <paramref name="count"/> items from <paramref name="end"/>, returning them in the order removed.</summary>
    /// <param name="end">Where they are taken from.</param>
    /// <param name="count">At least 1.</param>
    /// <param name="lengthBefore">The length before.</param>
    public ListSnapshot Pop(ListEnd end, int count, out int lengthBefore) => throw new NotImplementedException();

    /// <summary>The items from <paramref name="start"/> to <paramref name="stop"/> (see <see cref="IStoredList.Range"/>).</summary>
    /// <param name="start">The first index; negative counts from the end.</param>
    /// <param name="stop">The last index, included; negative counts from the end.</param>
    /// <param name="length">The list's length.</param>
    public ListSnapshot Range(long start, long stop, out int length) => throw new NotImplementedException();

    /// <inheritdoc/>
    public StoreResult Read() => StoreResult.Read(Snapshot());

    /// <inheritdoc/>
    public bool TryPeek(out ListSnapshot snapshot)
    {
        snapshot = Snapshot();
        return true;
    }

    /// <summary>Adds an item at the end of the list, unless the list already holds <see cref="MaxItems"/>.</summary>
    /// <param name="utf8Item">The item as UTF-8, which the session has already validated. Should an invalid
    /// sequence reach a store anyway, it is kept as U+FFFD, as <see cref="System.Text.Encoding.UTF8"/> decodes it.</param>
    /// <returns>False when the list is full and nothing was stored.</returns>
    public bool TryAppend(ReadOnlySpan<byte> utf8Item)
    {
        lock (_gate)
        {
            if (_count == MaxItems)
            {
                return false;
            }

            var mark = _body.GetMark();
            try
            {
                _lastQuote = CompactListBody.WriteItem(utf8Item, _lastQuote, _body);
            }
            catch
            {
                // Out of memory for a new chunk, say: the half-written item must not be in the next snapshot.
                _body.Truncate(mark);
                throw;
            }

            _count++;
            return true;
        }
    }

    /// <summary>Empties the list.</summary>
    /// <returns>The number of items removed.</returns>
    public int Clear()
    {
        var removed = 0;
        lock (_gate)
        {
            if (_chunksShared)
            {
                _body.Reset();
                _chunksShared = false;
            }
            else
            {
                _body.Rewind();
            }

            removed = _count;
            _count = 0;
            _lastQuote = 0;
        }

        return removed;
    }

    /// <summary>The list as it is at one instant. Later appends and clears never change a snapshot already taken.</summary>
    public ListSnapshot Snapshot()
    {
        lock (_gate)
        {
            _chunksShared = true;
            return new ListSnapshot(_body.Chunks, _body.Length, _count, _lastQuote);
        }
    }
}
