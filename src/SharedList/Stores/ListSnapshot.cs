using System.Buffers;
using System.Text;
using SharedList.Protocol;

namespace SharedList.Stores;

/// <summary>
/// Items of a list as they were at one instant (the whole list, a range, or items popped), kept as their
/// <c>str(list)</c> rendering in a compact form (each item's escaped text after one marker byte): writing it is a copy
/// with a small fix-up per item, not a rendering.
/// </summary>
/// <remarks>
/// Taking one costs no copy of the items; it stays valid and unchanged whatever happens to the store after, and may
/// be read from any thread. The default value is the empty list.
/// </remarks>
public readonly struct ListSnapshot
{
    internal ListSnapshot(ChunkView[] views, int count, long compactLength)
    {
        Views = views;
        Count = count;
        CompactLength = compactLength;
    }

    /// <summary>The number of items.</summary>
    public int Count { get; }

    /// <summary>The length of <c>str(list)</c> in UTF-8 bytes, without any line terminator.</summary>
    public long Length => CompactListBody.RenderedLength(CompactLength, Count);

    // Whole items of the compact body, in order; null for the empty list.
    internal ChunkView[]? Views { get; }

    internal long CompactLength { get; }

    /// <summary>Writes <c>str(list)</c> as UTF-8, byte-identical to CPython's for the same items.</summary>
    /// <param name="output">Where the bytes go.</param>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var reader = new ListSnapshotReader(this);
        reader.WriteSome(output, long.MaxValue);
    }

    /// <summary>The items one at a time, as the UTF-8 they were stored from: for the Redis protocol's replies.</summary>
    public ListItemCursor GetItems() => new(this);

    /// <summary>The items, as the strings they are, in order: for tests and tools.</summary>
    public string[] ToStrings()
    {
        var items = new string[Count];
        var scratch = new ArrayBufferWriter<byte>();
        var cursor = GetItems();
        for (var i = 0; cursor.TryNext(scratch, out var item); i++)
        {
            items[i] = Encoding.UTF8.GetString(item);
        }

        return items;
    }

    /// <summary>Returns <c>str(list)</c>, for logs and tests.</summary>
    public override string ToString()
    {
        var writer = new ArrayBufferWriter<byte>((int)Math.Min(Length, Array.MaxLength));
        WriteTo(writer);
        return Encoding.UTF8.GetString(writer.WrittenSpan);
    }
}

/// <summary>Whole items of a compact body in one array: the bytes from <see cref="Start"/> to <see cref="End"/>.</summary>
internal readonly record struct ChunkView(byte[] Data, int Start, int End)
{
    public ReadOnlySpan<byte> Span => Data.AsSpan(Start, End - Start);

    public int Length => End - Start;
}

/// <summary>Reads a <see cref="ListSnapshot"/>'s items one at a time, as UTF-8.</summary>
/// <remarks>A mutable struct: keep it in a field or a local and call it there, never through a copy.</remarks>
public struct ListItemCursor
{
    private readonly ChunkView[]? _views;
    private int _view;
    private int _offset;

    internal ListItemCursor(ListSnapshot snapshot)
    {
        _views = snapshot.Views;
        Remaining = snapshot.Count;
        _offset = _views is { Length: > 0 } ? _views[0].Start : 0;
    }

    /// <summary>The items not yet read.</summary>
    public int Remaining { get; private set; }

    /// <summary>Reads the next item.</summary>
    /// <param name="scratch">Where an item that was stored escaped is decoded; cleared first.</param>
    /// <param name="utf8">The item: valid until the next call, or until <paramref name="scratch"/> changes.</param>
    /// <returns>False when every item has been read.</returns>
    public bool TryNext(ArrayBufferWriter<byte> scratch, out ReadOnlySpan<byte> utf8)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        if (Remaining == 0)
        {
            utf8 = default;
            return false;
        }

        while (_offset >= _views![_view].End)
        {
            _view++;
            _offset = _views[_view].Start;
        }

        var view = _views[_view];
        var rest = view.Data.AsSpan(_offset + 1, view.End - _offset - 1);

        // One scan finds where the item ends, or first that it holds an escape and must be decoded.
        var stop = rest.IndexOfAny(CompactListBody.SingleQuoted, CompactListBody.DoubleQuoted, (byte)'\\');
        var verbatim = stop < 0 || rest[stop] != '\\';
        if (!verbatim)
        {
            var next = CompactListBody.IndexOfMarker(rest[stop..]);
            stop = next < 0 ? -1 : stop + next;
        }

        var content = stop < 0 ? rest : rest[..stop];
        _offset += content.Length + 1;
        Remaining--;
        if (verbatim)
        {
            utf8 = content;
            return true;
        }

        scratch.Clear();
        ReprDecoder.Decode(content, scratch);
        utf8 = scratch.WrittenSpan;
        return true;
    }
}
