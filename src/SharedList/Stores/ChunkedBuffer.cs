using System.Buffers;

namespace SharedList.Stores;

/// <summary>
/// Bytes appended into a list of chunks that are never moved or rewritten: a reader that was handed the chunk
/// array and a length can read that many bytes at any later time, whatever is appended meanwhile.
/// </summary>
/// <remarks>
/// <para>Chunks grow from <see cref="FirstChunkBytes"/> by doubling up to the maximum, so a short list costs a
/// small chunk and a long one wastes at most one chunk's tail. Bytes are never copied to grow: only the array
/// of chunk references is, and a copy leaves the old array to the readers that hold it. A write may cross
/// from one chunk into the next.</para>
/// <para>Not thread-safe: the owner serializes writes, and publishes <see cref="Chunks"/> and
/// <see cref="Length"/> to readers only between them (a lock's release and acquire order the bytes).</para>
/// </remarks>
internal sealed class ChunkedBuffer : IBufferWriter<byte>
{
    /// <summary>The size of a fresh buffer's first chunk (or the maximum, when it is smaller).</summary>
    public const int FirstChunkBytes = 1024;

    private readonly int _maxChunkBytes;

    // Where a write that does not fit in what is left of the last chunk goes, to be split across chunks by Advance.
    private byte[] _staging = new byte[16];
    private bool _staged;
    private byte[][] _chunks = [];
    private int _chunkCount;
    private int _tailUsed;

    public ChunkedBuffer(int maxChunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunkBytes);
        _maxChunkBytes = maxChunkBytes;
    }

    /// <summary>The chunks, in order; the array may have unused slots past the last chunk.</summary>
    public byte[][] Chunks => _chunks;

    /// <summary>The bytes written since the buffer was created or last reset.</summary>
    public long Length { get; private set; }

    private int TailRoom => _chunkCount == 0 ? 0 : _chunks[_chunkCount - 1].Length - _tailUsed;

    /// <summary>Where the buffer stands, to go back to with <see cref="Truncate"/>.</summary>
    public Mark GetMark() => new(_chunkCount, _tailUsed, Length);

    /// <summary>Forgets what was written since <paramref name="mark"/>, which was taken since the last reset.</summary>
    public void Truncate(Mark mark)
    {
        // Chunks added since stay in the array, to be filled again: readers never look past a published length.
        _chunkCount = mark.ChunkCount;
        _tailUsed = mark.TailUsed;
        Length = mark.Length;
        _staged = false;
    }

    /// <summary>Starts empty, in a new chunk array: readers keep reading the old one.</summary>
    public void Reset()
    {
        _chunks = [];
        Rewind();
    }

    /// <summary>
    /// Starts empty in the same chunks, to be filled again without allocating or touching fresh memory. Only
    /// when no reader holds them: their bytes are written again.
    /// </summary>
    public void Rewind()
    {
        _chunkCount = 0;
        _tailUsed = 0;
        Length = 0;
        _staged = false;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_staged)
        {
            _staged = false;
            Append(_staging.AsSpan(0, count));
            return;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, TailRoom);
        _tailUsed += count;
        Length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var room = Room(sizeHint);
        return _staged ? _staging.AsMemory(0, room) : _chunks[_chunkCount - 1].AsMemory(_tailUsed, room);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var room = Room(sizeHint);
        return _staged ? _staging.AsSpan(0, room) : _chunks[_chunkCount - 1].AsSpan(_tailUsed, room);
    }

    // Makes room for sizeHint bytes (at least one) in the last chunk, or else in the staging buffer.
    private int Room(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var wanted = Math.Max(sizeHint, 1);
        _staged = false;
        if (TailRoom == 0)
        {
            AddChunk();
        }

        var room = TailRoom;
        if (room >= wanted)
        {
            return room;
        }

        // Not contiguous in the chunks: the writer gets a staging span, and Advance copies it across.
        if (_staging.Length < wanted)
        {
            _staging = new byte[wanted];
        }

        _staged = true;
        return wanted;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (TailRoom == 0)
            {
                AddChunk();
            }

            var part = Math.Min(TailRoom, bytes.Length);
            bytes[..part].CopyTo(_chunks[_chunkCount - 1].AsSpan(_tailUsed));
            _tailUsed += part;
            Length += part;
            bytes = bytes[part..];
        }
    }

    private void AddChunk()
    {
        if (_chunkCount < _chunks.Length && _chunks[_chunkCount] is not null)
        {
            // Left by a Truncate or a Rewind: unpublished, so free to fill again.
            _chunkCount++;
            _tailUsed = 0;
            return;
        }

        if (_chunkCount == _chunks.Length)
        {
            // A new array, not Array.Resize in place: readers may hold the old one, and they never need the new slots.
            var grown = new byte[Math.Max(4, _chunks.Length * 2)][];
            _chunks.AsSpan().CopyTo(grown);
            _chunks = grown;
        }

        // On the pinned object heap: chunks live as long as the list, and the GC would otherwise copy each one
        // up through the generations (that doubled the cost of an append). Uninitialized: no byte is published
        // before it is written.
        _chunks[_chunkCount] = GC.AllocateUninitializedArray<byte>(ChunkSize(_chunkCount), pinned: true);
        _chunkCount++;
        _tailUsed = 0;
    }

    private int ChunkSize(int index)
    {
        var first = Math.Min(FirstChunkBytes, _maxChunkBytes);
        return index >= 31 ? _maxChunkBytes : (int)Math.Min((long)first << index, _maxChunkBytes);
    }

    /// <summary>A position in the buffer.</summary>
    internal readonly record struct Mark(int ChunkCount, int TailUsed, long Length);
}
