using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
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
    private const int StopsWidth = 16;

    private readonly ChunkView[]? _views;
    private int _view;
    private int _offset;

    // Where the bytes that end an item or begin an escape (markers and backslashes) are, for the StopsWidth bytes
    // from _stopsAt of the current view's array: short items are found several to a vector compare, not one search each.
    private uint _stops;
    private int _stopsAt;

    internal ListItemCursor(ListSnapshot snapshot)
    {
        _views = snapshot.Views;
        Remaining = snapshot.Count;
        _offset = _views is { Length: > 0 } ? _views[0].Start : 0;
        _stopsAt = -StopsWidth;
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
            _stopsAt = -StopsWidth;
        }

        var view = _views[_view];
        var from = _offset + 1;
        var stop = NextStop(view, from);
        Remaining--;
        if (stop == view.End || view.Data[stop] != '\\')
        {
            _offset = stop;
            utf8 = view.Data.AsSpan(from, stop - from);
            return true;
        }

        // An escape: the item ends at the next marker, and is decoded.
        var next = CompactListBody.IndexOfMarker(view.Data.AsSpan(stop, view.End - stop));
        _offset = next < 0 ? view.End : stop + next;
        scratch.Clear();
        ReprDecoder.Decode(view.Data.AsSpan(from, _offset - from), scratch);
        utf8 = scratch.WrittenSpan;
        return true;
    }

    // The first marker or backslash at or after from, or the view's end. Bits found past the end are of bytes
    // beyond the view's last item (the next item's marker, or whatever follows in the array), so they count as the end.
    private int NextStop(ChunkView view, int from)
    {
        var data = view.Data;
        while (from < view.End)
        {
            var shift = from - _stopsAt;
            if ((uint)shift < StopsWidth)
            {
                var bits = _stops >> shift;
                if (bits != 0)
                {
                    return Math.Min(from + BitOperations.TrailingZeroCount(bits), view.End);
                }

                from = _stopsAt + StopsWidth;
                continue;
            }

            if (!Vector128.IsHardwareAccelerated || from + StopsWidth > data.Length)
            {
                var found = data.AsSpan(from, view.End - from).IndexOfAny(CompactListBody.SingleQuoted, CompactListBody.DoubleQuoted, (byte)'\\');
                return found < 0 ? view.End : from + found;
            }

            var vector = Vector128.Create(data.AsSpan(from, StopsWidth));
            _stops = (Vector128.LessThan(vector, Vector128.Create((byte)(CompactListBody.DoubleQuoted + 1))) | Vector128.Equals(vector, Vector128.Create((byte)'\\'))).ExtractMostSignificantBits();
            _stopsAt = from;
        }

        return view.End;
    }
}
