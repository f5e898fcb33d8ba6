using System.Buffers;
using SharedList.Protocol;

namespace SharedList.Stores;

/// <summary>One list kept in this process's memory, as the seed's <c>lista = []</c>: the list of the memory store, and the journal store's list in memory.</summary>
/// <remarks>
/// <para>The list is kept as its own <c>str(list)</c> rendering, in the compact form of
/// <see cref="CompactListBody"/> (each item's escaped repr after one marker byte), in a row of chunks, each holding
/// whole items between a start and an end: pushing at the tail writes after a chunk's end, pushing at the head
/// before a chunk's start, and popping moves them. An append renders its item once, straight from the message's
/// UTF-8; a <c>LIST</c> copies bytes out. A 16-byte item costs 17 bytes, against about 18 in a Redis list, and
/// nothing but the chunks is allocated: no object per item, and none per append. Chunks start small and double up to
/// 64 KiB, so a list of a few items costs a few hundred bytes; chunks of 4 KiB and more are pinned, so the GC never
/// copies them. A list cleared and filled again, as a load test does at every point, refills the chunks it had.</para>
/// <para>Threading: safe for any number of concurrent callers. One lock orders every operation, which makes the
/// list linearizable; a push holds it for O(item length), a pop of n items for O(n), a range for O(chunks + items
/// skipped), the rest for O(1). Snapshots are taken under the lock but read outside it, so a large <c>LIST</c> never
/// blocks pushes: bytes a snapshot was given are never written again (a chunk that was given to one is copied before
/// bytes a pop freed in it are reused, and is never refilled).</para>
/// </remarks>
public sealed class InMemoryList : IStoredList
{
    /// <summary>
    /// The default <see cref="MaxItems"/>: ten million. A bound on what clients can make the server hold, far
    /// above any lab use: an item costs its repr plus one byte, so 10 million 16-byte items take 170 MB.
    /// </summary>
    public const int DefaultMaxItems = 10_000_000;

    /// <summary>
    /// The largest chunk: 64 KiB, so a long list wastes at most that much at its ends, and a new chunk is
    /// needed only every few thousand short items.
    /// </summary>
    internal const int DefaultMaxChunkBytes = 64 * 1024;

    /// <summary>The first chunk's size: a list of a few short items costs little.</summary>
    internal const int FirstChunkBytes = 256;

    // Chunks from this size on are allocated pinned (see Chunk.Rent); smaller ones are a short list's, often short-lived.
    private const int PinnedChunkBytes = 4096;

    private readonly Lock _gate = new();
    private readonly int _maxChunkBytes;
    private readonly List<Chunk> _chunks = [];
    private int _count;
    private long _compactLength;

    // The last snapshot of the whole list, while nothing changed since: LIST after LIST allocates nothing.
    private ChunkView[]? _views;

    // The chunks of a clear that no snapshot was given, filled again before any new one: a list cleared and filled
    // again, as a load test does at every point, allocates nothing and takes no page fault.
    private readonly Stack<Chunk> _spare = [];

    // Where an item that needs escaping is rendered before it is placed, since its size is known only then.
    private ArrayBufferWriter<byte>? _scratch;

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
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunkBytes);
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        MaxItems = maxItems;
        _maxChunkBytes = maxChunkBytes;
    }

    /// <inheritdoc/>
    public string Key { get; }

    /// <summary>The most items the list holds; a push past it is refused.</summary>
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

    /// <summary>
    /// The lock that orders this list's operations, for an owner that must act on the list and on its own state at
    /// one instant (the memory store deletes a list that became empty). Operations take it again, which is allowed.
    /// </summary>
    internal Lock Gate => _gate;

    /// <summary>True once the owner has deleted this list; set and read under <see cref="Gate"/>.</summary>
    internal bool IsDeleted { get; set; }

    /// <summary>The number of items, for a caller that holds <see cref="Gate"/>.</summary>
    internal int CountHeld => _count;

    /// <inheritdoc/>
    public StoreResult Append(ReadOnlySpan<byte> utf8Item) => TryAppend(utf8Item) ? StoreResult.Appended : StoreResult.Full;

    /// <inheritdoc/>
    StoreResult IStoredList.Clear() => StoreResult.Cleared(Clear());

    /// <inheritdoc/>
    public StoreResult Read() => StoreResult.Read(Snapshot());

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

            Put(ListEnd.Tail, utf8Item);
            return true;
        }
    }

    /// <summary>Pushes <paramref name="utf8Items"/> at <paramref name="end"/>, all or none (see <see cref="IStoredList.Push"/>).</summary>
    /// <param name="end">Where they go.</param>
    /// <param name="utf8Items">The items, as UTF-8.</param>
    /// <param name="length">The length after, or the unchanged length when the list cannot take them all.</param>
    /// <returns>False when nothing was stored: the list cannot take them all.</returns>
    public bool TryPush(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items, out int length)
    {
        ArgumentNullException.ThrowIfNull(utf8Items);
        lock (_gate)
        {
            if (utf8Items.Count > MaxItems - _count)
            {
                length = _count;
                return false;
            }

            var done = 0;
            try
            {
                for (; done < utf8Items.Count; done++)
                {
                    Put(end, utf8Items[done].Span);
                }
            }
            catch
            {
                // Out of memory for a chunk, say: all or none.
                RemoveSome(end, done);
                throw;
            }

            length = _count;
            return true;
        }
    }

    /// <summary>Removes up to <paramref name="count"/> items from <paramref name="end"/>, returning them in the order removed.</summary>
    /// <param name="end">Where they are taken from.</param>
    /// <param name="count">At least 1.</param>
    /// <param name="lengthBefore">The length before.</param>
    public ListSnapshot Pop(ListEnd end, int count, out int lengthBefore)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            lengthBefore = _count;
            var taking = Math.Min(count, _count);
            if (taking == 0)
            {
                return default;
            }

            // The popped items are copied out: their bytes may be written over once freed.
            var bytes = 0L;
            var chunk = end == ListEnd.Head ? 0 : _chunks.Count - 1;
            for (var left = taking; left > 0; chunk += end == ListEnd.Head ? 1 : -1)
            {
                var c = _chunks[chunk];
                var here = Math.Min(left, c.Count);
                bytes += here == c.Count ? c.End - c.Start : ItemsLength(c, end, here);
                left -= here;
            }

            var copy = new byte[bytes];
            var written = 0;
            for (var i = 0; i < taking; i++)
            {
                var item = end == ListEnd.Head ? FirstItem() : LastItem();
                item.Span.CopyTo(copy.AsSpan(written));
                written += item.Length;
                RemoveOne(end, item.Length);
            }

            return new ListSnapshot([new ChunkView(copy, 0, written)], taking, written);
        }
    }

    /// <summary>The items from <paramref name="start"/> to <paramref name="stop"/> (see <see cref="IStoredList.Range"/>).</summary>
    /// <param name="start">The first index; negative counts from the end.</param>
    /// <param name="stop">The last index, included; negative counts from the end.</param>
    /// <param name="length">The list's length.</param>
    public ListSnapshot Range(long start, long stop, out int length)
    {
        lock (_gate)
        {
            length = _count;
            if (start < 0)
            {
                start += _count;
            }

            if (stop < 0)
            {
                stop += _count;
            }

            start = Math.Max(start, 0);
            stop = Math.Min(stop, _count - 1L);
            if (start > stop)
            {
                return default;
            }

            if (start == 0 && stop == _count - 1)
            {
                return SnapshotHeld();
            }

            // The chunk holding the range's first item is found from the nearer end, as Redis walks its quicklist:
            // a range at the tail of a long list does not count its way through every chunk before it.
            int firstChunk;
            long firstIndex;
            if (start < _count / 2)
            {
                firstChunk = 0;
                firstIndex = 0;
                while (firstIndex + _chunks[firstChunk].Count <= start)
                {
                    firstIndex += _chunks[firstChunk++].Count;
                }
            }
            else
            {
                firstChunk = _chunks.Count - 1;
                firstIndex = _count - _chunks[firstChunk].Count;
                while (firstIndex > start)
                {
                    firstIndex -= _chunks[--firstChunk].Count;
                }
            }

            var lastChunk = firstChunk;
            for (var end = firstIndex + _chunks[lastChunk].Count; end <= stop; end += _chunks[lastChunk].Count)
            {
                lastChunk++;
            }

            var views = new ChunkView[lastChunk - firstChunk + 1];
            var compact = 0L;
            var chunkFirst = firstIndex;
            for (var i = 0; i < views.Length; i++)
            {
                var chunk = _chunks[firstChunk + i];
                var chunkLast = chunkFirst + chunk.Count - 1;
                var from = start > chunkFirst ? ItemOffset(chunk, (int)(start - chunkFirst)) : chunk.Start;
                var to = stop < chunkLast ? ItemOffset(chunk, (int)(stop - chunkFirst + 1)) : chunk.End;
                chunk.Share(from, to);
                views[i] = new ChunkView(chunk.Data, from, to);
                compact += to - from;
                chunkFirst += chunk.Count;
            }

            return new ListSnapshot(views, (int)(stop - start + 1), compact);
        }
    }

    /// <summary>Empties the list.</summary>
    /// <returns>The number of items removed.</returns>
    public int Clear()
    {
        lock (_gate)
        {
            var removed = _count;
            foreach (var chunk in _chunks)
            {
                if (chunk.IsShared)
                {
                    chunk.Release();
                }
                else
                {
                    chunk.Start = chunk.End = chunk.Count = 0;
                    _spare.Push(chunk);
                }
            }

            _chunks.Clear();
            _count = 0;
            _compactLength = 0;
            _views = null;
            return removed;
        }
    }

    /// <summary>The list as it is at one instant. Later changes never change a snapshot already taken.</summary>
    public ListSnapshot Snapshot()
    {
        lock (_gate)
        {
            return SnapshotHeld();
        }
    }

    private ListSnapshot SnapshotHeld()
    {
        if (_count == 0)
        {
            return default;
        }

        if (_views is null)
        {
            var views = new ChunkView[_chunks.Count];
            for (var i = 0; i < views.Length; i++)
            {
                var chunk = _chunks[i];
                chunk.Share(chunk.Start, chunk.End);
                views[i] = new ChunkView(chunk.Data, chunk.Start, chunk.End);
            }

            _views = views;
        }

        return new ListSnapshot(_views, _count, _compactLength);
    }

    // Adds one item at an end; the caller holds the lock and has checked the limit.
    private void Put(ListEnd end, ReadOnlySpan<byte> utf8Item)
    {
        var plainLength = utf8Item.Length + 1;
        if (PythonListRenderer.IsPlain(utf8Item))
        {
            var room = Reserve(end, plainLength);
            CompactListBody.TryWritePlainItem(utf8Item, room.Data.AsSpan(end == ListEnd.Tail ? room.End : room.Start - plainLength, plainLength));
            Commit(room, end, plainLength);
            return;
        }

        var scratch = _scratch ??= new ArrayBufferWriter<byte>();
        scratch.ResetWrittenCount();
        CompactListBody.WriteItem(utf8Item, scratch);
        var length = scratch.WrittenCount;
        var chunk = Reserve(end, length);
        scratch.WrittenSpan.CopyTo(chunk.Data.AsSpan(end == ListEnd.Tail ? chunk.End : chunk.Start - length));
        Commit(chunk, end, length);
        if (scratch.Capacity > DefaultMaxChunkBytes)
        {
            // A huge item's rendering is not kept for the list's lifetime.
            _scratch = null;
        }
    }

    private void Commit(Chunk chunk, ListEnd end, int length)
    {
        if (end == ListEnd.Tail)
        {
            chunk.End += length;
        }
        else
        {
            chunk.Start -= length;
        }

        chunk.Count++;
        _count++;
        _compactLength += length;
        _views = null;
    }

    // The chunk at an end with room for an item of this many bytes at that end.
    private Chunk Reserve(ListEnd end, int length)
    {
        if (_chunks.Count == 0)
        {
            var first = Rent(Math.Max(FirstChunkBytes, length));

            // Filled from its start for pushes at the tail, from its end for pushes at the head.
            first.Start = first.End = end == ListEnd.Tail ? 0 : first.Data.Length;
            _chunks.Add(first);
            return first;
        }

        var edge = end == ListEnd.Tail ? _chunks[^1] : _chunks[0];
        if (edge.RoomAt(end) >= length && edge.MayWriteAt(end))
        {
            return edge;
        }

        var used = edge.End - edge.Start;
        var free = edge.Data.Length - used;
        if (!edge.IsShared && free >= length && free >= edge.Data.Length / 2)
        {
            // Most of the chunk was freed by pops at the other end (a queue): move the items over rather than grow.
            edge.MoveTo(end == ListEnd.Tail ? 0 : edge.Data.Length - used);
            return edge;
        }

        if (edge.Data.Length < _maxChunkBytes)
        {
            // Grown into a bigger array, the items placed so that the room is at the end that needs it.
            var grown = Rent(Math.Max(Math.Min(edge.Data.Length * 2, _maxChunkBytes), used + length));
            var at = end == ListEnd.Tail ? 0 : grown.Data.Length - used;
            edge.Span.CopyTo(grown.Data.AsSpan(at));
            grown.Start = at;
            grown.End = at + used;
            grown.Count = edge.Count;
            edge.Release();
            _chunks[end == ListEnd.Tail ? _chunks.Count - 1 : 0] = grown;
            return grown;
        }

        var added = Rent(Math.Max(_maxChunkBytes, length));
        if (end == ListEnd.Tail)
        {
            added.Start = added.End = 0;
            _chunks.Add(added);
        }
        else
        {
            added.Start = added.End = added.Data.Length;
            _chunks.Insert(0, added);
        }

        return added;
    }

    private Chunk Rent(int size) => _spare.TryPeek(out var spare) && spare.Data.Length >= size ? _spare.Pop() : Chunk.Rent(size);

    private ChunkView FirstItem()
    {
        var chunk = _chunks[0];
        var next = CompactListBody.IndexOfMarker(chunk.Data.AsSpan(chunk.Start + 1, chunk.End - chunk.Start - 1));
        return new ChunkView(chunk.Data, chunk.Start, next < 0 ? chunk.End : chunk.Start + 1 + next);
    }

    private ChunkView LastItem()
    {
        var chunk = _chunks[^1];
        var start = chunk.Start + CompactListBody.LastIndexOfMarker(chunk.Span);
        return new ChunkView(chunk.Data, start, chunk.End);
    }

    // Removes the first or last item, of this many bytes.
    private void RemoveOne(ListEnd end, int length)
    {
        var index = end == ListEnd.Head ? 0 : _chunks.Count - 1;
        var chunk = _chunks[index];
        if (end == ListEnd.Head)
        {
            chunk.Start += length;
        }
        else
        {
            chunk.End -= length;
        }

        chunk.Count--;
        chunk.Freed(end);
        _count--;
        _compactLength -= length;
        _views = null;
        if (chunk.Count == 0)
        {
            chunk.Release();
            _chunks.RemoveAt(index);
        }
    }

    private void RemoveSome(ListEnd end, int count)
    {
        for (var i = 0; i < count; i++)
        {
            RemoveOne(end, (end == ListEnd.Head ? FirstItem() : LastItem()).Length);
        }
    }

    // The bytes of the first (or last) n items of a chunk, n below its count: read from that end, so a pop costs
    // what it takes, not the chunk's whole row of items before them.
    private static long ItemsLength(Chunk chunk, ListEnd end, int n) =>
        end == ListEnd.Head ? ItemOffset(chunk, n) - chunk.Start : chunk.End - LastItemsOffset(chunk, n);

    // Where the chunk's last n items begin.
    private static int LastItemsOffset(Chunk chunk, int n)
    {
        var offset = chunk.End;
        for (var i = 0; i < n; i++)
        {
            offset = chunk.Start + CompactListBody.LastIndexOfMarker(chunk.Data.AsSpan(chunk.Start, offset - chunk.Start));
        }

        return offset;
    }

    // Where the chunk's item at this index (from 0) begins.
    private static int ItemOffset(Chunk chunk, int index) =>
        chunk.Start + CompactListBody.IndexOfNthMarker(chunk.Data.AsSpan(chunk.Start, chunk.End - chunk.Start), index);

    /// <summary>One array of the list's body: whole items between <see cref="Start"/> and <see cref="End"/>.</summary>
    private sealed class Chunk
    {
        // The bytes snapshots were given, which must never be written again; empty when none was.
        private int _sharedStart = int.MaxValue;
        private int _sharedEnd = int.MinValue;

        private Chunk(byte[] data) => Data = data;

        public byte[] Data { get; private set; }

        public int Start { get; set; }

        public int End { get; set; }

        public int Count { get; set; }

        public bool IsShared => _sharedStart < _sharedEnd;

        public ReadOnlySpan<byte> Span => Data.AsSpan(Start, End - Start);

        // A chunk lives as long as its items: big ones go on the pinned object heap, where the GC never copies them up
        // through its generations (a list growing by megabytes a second would otherwise be copied twice over).
        public static Chunk Rent(int size) => new(GC.AllocateUninitializedArray<byte>(size, pinned: size >= PinnedChunkBytes));

        public int RoomAt(ListEnd end) => end == ListEnd.Tail ? Data.Length - End : Start;

        // Writing past the items at this end would not touch bytes a snapshot holds.
        public bool MayWriteAt(ListEnd end) => !IsShared || (end == ListEnd.Tail ? End >= _sharedEnd : Start <= _sharedStart);

        public void Share(int start, int end)
        {
            _sharedStart = Math.Min(_sharedStart, start);
            _sharedEnd = Math.Max(_sharedEnd, end);
        }

        // After a pop at this end: if a snapshot holds the freed bytes, the items move to a fresh array, so pushes
        // there write into that one and the snapshot keeps the old.
        public void Freed(ListEnd end)
        {
            if (Count == 0 || MayWriteAt(end))
            {
                return;
            }

            var copy = GC.AllocateUninitializedArray<byte>(Data.Length, pinned: Data.Length >= PinnedChunkBytes);
            Span.CopyTo(copy.AsSpan(Start));
            Data = copy;
            _sharedStart = int.MaxValue;
            _sharedEnd = int.MinValue;
        }

        public void MoveTo(int start)
        {
            var used = End - Start;
            Span.CopyTo(Data.AsSpan(start));
            Start = start;
            End = start + used;
        }

        // Drops the array: a snapshot may still read it, and the GC frees it once none does.
        public void Release()
        {
            Data = [];
            Start = End = Count = 0;
        }
    }
}
