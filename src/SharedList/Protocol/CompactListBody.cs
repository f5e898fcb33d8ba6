using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharedList.Protocol;

/// <summary>
/// A compact form of the body of <c>str(list)</c> (what goes between its brackets), for a store to keep, from
/// which a <c>LIST</c> reply is copied out with a small fix-up per item instead of being rendered again.
/// </summary>
/// <remarks>
/// <para>Each item is one marker byte followed by its repr without the quotes, already escaped. The marker says which
/// quote the item's repr uses (0 for <c>'</c>, 1 for <c>"</c>), so an item's bytes do not depend on its neighbours:
/// items can be added, removed and taken out at either end, and any run of whole items is a body of its own. So
/// <c>['a', "it's"]</c> is kept as <c>M0 a M1 it's</c>. Expanding a marker writes the previous item's closing quote
/// and <c>, </c> (unless it is the first item) and this item's opening quote; the expander carries the previous
/// item's quote from one marker to the next (<see cref="ExpandState"/>), and the last one closes the body
/// (<see cref="WriteClosing"/>).</para>
/// <para>Why not keep the rendered body itself, which would make a reply a plain copy: the separator and the
/// two quotes cost 4 bytes per item against this form's 1, so 20 bytes against 17 for a 16-byte item, where
/// Redis's listpack needs 18. Expanding is a vectorized copy with a bit scan and a 4-byte store per item:
/// the markers are bytes 0 and 1, C0 controls, which <c>repr</c> always escapes and so never writes, and a
/// marker's expansion is at most 4 bytes.</para>
/// </remarks>
internal static class CompactListBody
{
    /// <summary>The most bytes one marker expands to, and so the least room an expansion step needs to go on.</summary>
    public const int MaxExpansion = 4;

    /// <summary>The marker of an item whose repr is quoted with <c>'</c>.</summary>
    public const byte SingleQuoted = 0;

    /// <summary>The marker of an item whose repr is quoted with <c>"</c>.</summary>
    public const byte DoubleQuoted = 1;

    private const byte FirstMarker = SingleQuoted;
    private const byte LastMarker = DoubleQuoted;

    // Indexed by expansion (ExpandState + marker): first item opened with ' or "; then after an item closed by ' and
    // by ", the next opened by ' and by ".
    private static ReadOnlySpan<byte> Expansions => "'\0\0\0\"\0\0\0', '', \"\", '\", \""u8;

    private static ReadOnlySpan<byte> ExpansionLengths => [1, 1, 4, 4, 4, 4];

    // How much longer than its marker each expansion is.
    private static ReadOnlySpan<byte> ExtraLengths => [0, 0, 3, 3, 3, 3];

    /// <summary>
    /// Writes one item of the body when it needs no escaping (the common case, and an append's whole cost: one scan,
    /// one copy), into <paramref name="destination"/>, which must have <paramref name="utf8Item"/>'s length + 1 bytes.
    /// </summary>
    /// <returns>False, writing nothing, when the item needs escaping: use <see cref="WriteItem"/>.</returns>
    public static bool TryWritePlainItem(ReadOnlySpan<byte> utf8Item, Span<byte> destination)
    {
        if (!PythonListRenderer.IsPlain(utf8Item))
        {
            return false;
        }

        destination[0] = SingleQuoted;
        utf8Item.CopyTo(destination[1..]);
        return true;
    }

    /// <summary>Writes one item of the body: its marker and its escaped repr.</summary>
    /// <param name="utf8Item">The item as UTF-8; invalid sequences are read as by <see cref="PythonListRenderer.WriteRepr(ReadOnlySpan{byte}, IBufferWriter{byte})"/>.</param>
    /// <param name="output">Where the bytes go.</param>
    public static void WriteItem(ReadOnlySpan<byte> utf8Item, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var quote = PythonListRenderer.ChooseQuote(utf8Item);
        var markerSpan = output.GetSpan(1);
        markerSpan[0] = quote == '"' ? DoubleQuoted : SingleQuoted;
        output.Advance(1);
        PythonListRenderer.WriteReprContent(utf8Item, quote, output);
    }

    /// <summary>Where the next item begins in <paramref name="body"/>, or -1.</summary>
    public static int IndexOfMarker(ReadOnlySpan<byte> body) => body.IndexOfAnyInRange(FirstMarker, LastMarker);

    /// <summary>Where item <paramref name="index"/> (0 for the first marker) begins in <paramref name="body"/>, or -1 when it holds fewer items.</summary>
    public static int IndexOfNthMarker(ReadOnlySpan<byte> body, int index) =>
        IndexOfNthMarker(body, index, Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0);

    /// <summary>As <see cref="IndexOfNthMarker(ReadOnlySpan{byte}, int)"/> with vectors of <paramref name="vectorBits"/> bits (256, 128, or 0 for none), so each path can be tested on any machine.</summary>
    internal static int IndexOfNthMarker(ReadOnlySpan<byte> body, int index, int vectorBits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);

        // Markers are counted a vector at a time, and only the vector that holds the one sought is bit-scanned:
        // a range's end in a chunk of short items costs a compare and a popcount per 32 bytes, not a search per item.
        var at = 0;
        var left = index;
        var width = vectorBits / 8;
        for (; width > 0 && at + width <= body.Length; at += width)
        {
            var markers = width == Vector256<byte>.Count
                ? Vector256.LessThan(Vector256.Create(body.Slice(at, width)), Vector256.Create((byte)(LastMarker + 1))).ExtractMostSignificantBits()
                : Vector128.LessThan(Vector128.Create(body.Slice(at, width)), Vector128.Create((byte)(LastMarker + 1))).ExtractMostSignificantBits();
            var found = BitOperations.PopCount(markers);
            if (left < found)
            {
                return at + NthSetBit(markers, left);
            }

            left -= found;
        }

        for (; at < body.Length; at++)
        {
            if (body[at] <= LastMarker && left-- == 0)
            {
                return at;
            }
        }

        return -1;
    }

    /// <summary>Where the last item begins in <paramref name="body"/>, or -1.</summary>
    public static int LastIndexOfMarker(ReadOnlySpan<byte> body) => body.LastIndexOfAnyInRange(FirstMarker, LastMarker);

    /// <summary>How many bytes <c>str(list)</c> takes for a body of <paramref name="compactLength"/> bytes holding <paramref name="count"/> items.</summary>
    public static long RenderedLength(long compactLength, int count) =>
        // Each marker (1 byte) becomes two quotes and ", " (4), except that the first item has no ", " but the
        // list has its brackets: 3 more bytes per item.
        count == 0 ? 2 : compactLength + (3L * count);

    /// <summary>
    /// Expands compact bytes into the rendered body, as far as <paramref name="destination"/> has room. A marker
    /// is expanded whole or not at all, so a destination of at least <see cref="MaxExpansion"/> bytes always
    /// takes something.
    /// </summary>
    /// <param name="source">A stretch of a body: any cut between two bytes of it is fine.</param>
    /// <param name="destination">Where the rendered bytes go. Bytes past <paramref name="written"/> may be overwritten.</param>
    /// <param name="state">What came before: <see cref="ExpandState.Start"/> before a body's first byte, then what the previous call left.</param>
    /// <param name="written">How many bytes were written.</param>
    /// <returns>How many bytes of <paramref name="source"/> were used.</returns>
    public static int Expand(ReadOnlySpan<byte> source, Span<byte> destination, ref ExpandState state, out int written) =>
        Expand(source, destination, ref state, out written, Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0);

    /// <summary>As <see cref="Expand(ReadOnlySpan{byte}, Span{byte}, ref ExpandState, out int)"/> with vectors of <paramref name="vectorBits"/> bits (256, 128, or 0 for none), so each path can be tested on any machine.</summary>
    internal static int Expand(ReadOnlySpan<byte> source, Span<byte> destination, ref ExpandState state, out int written, int vectorBits)
    {
        var read = 0;
        written = 0;
        var previous = (nuint)state;
        if (vectorBits == 256)
        {
            ExpandVector256(source, destination, ref read, ref written, ref previous);
        }
        else if (vectorBits == 128)
        {
            ExpandVector128(source, destination, ref read, ref written, ref previous);
        }

        read += ExpandScalar(source[read..], destination[written..], out var tail, ref previous);
        written += tail;
        state = (ExpandState)previous;
        return read;
    }

    private static int NthSetBit(uint bits, int n)
    {
        for (; n > 0; n--)
        {
            bits &= bits - 1;
        }

        return BitOperations.TrailingZeroCount(bits);
    }

    // A LIST reply's cost is this loop. Each step takes one vector of source and stores it whole; then, for each
    // marker in it (found by bit scanning, not by searching again), the marker's expansion as one 4-byte store
    // and, right after it, a whole vector of the bytes that follow the marker. Each store overwrites the tail
    // of the one before, and the next step's first store the last one's. No load waits on a store, and the
    // table lookups need no bounds checks (each marker is below 2, and what the previous one left at most 4). A step reads up
    // to two vectors and a byte past its start, and writes up to (MaxExpansion + 1) vectors past its output start.
    private static void ExpandVector256(ReadOnlySpan<byte> source, Span<byte> destination, ref int read, ref int written, ref nuint previous)
    {
        const int Width = 32;
        if (source.Length <= 2 * Width || destination.Length < (MaxExpansion + 1) * Width)
        {
            return;
        }

        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(destination);
        ref var expansions = ref MemoryMarshal.GetReference(Expansions);
        ref var extraLengths = ref MemoryMarshal.GetReference(ExtraLengths);
        var lastRead = (nuint)(source.Length - (2 * Width) - 1);
        var lastWrite = (nuint)(destination.Length - ((MaxExpansion + 1) * Width));
        var markerBound = Vector256.Create((byte)(LastMarker + 1));
        var r = (nuint)read;
        var w = (nuint)written;
        while (r <= lastRead && w <= lastWrite)
        {
            var vector = Vector256.LoadUnsafe(ref from, r);
            var markers = Vector256.LessThan(vector, markerBound).ExtractMostSignificantBits();
            vector.StoreUnsafe(ref to, w);
            var shift = (nuint)0;
            while (markers != 0)
            {
                var at = (nuint)BitOperations.TrailingZeroCount(markers);
                var marker = (nuint)Unsafe.Add(ref from, r + at);
                var expansion = previous + marker;
                previous = (nuint)ExpandState.AfterSingleQuote + (marker * 2);
                Unsafe.WriteUnaligned(
                    ref Unsafe.Add(ref to, w + at + shift),
                    Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref expansions, expansion * MaxExpansion)));
                shift += Unsafe.Add(ref extraLengths, expansion);
                Vector256.LoadUnsafe(ref from, r + at + 1).StoreUnsafe(ref to, w + at + 1 + shift);
                markers &= markers - 1;
            }

            r += Width;
            w += Width + shift;
        }

        read = (int)r;
        written = (int)w;
    }

    // The same with 16-byte vectors, for machines without 32-byte ones (Arm64).
    private static void ExpandVector128(ReadOnlySpan<byte> source, Span<byte> destination, ref int read, ref int written, ref nuint previous)
    {
        const int Width = 16;
        if (source.Length <= 2 * Width || destination.Length < (MaxExpansion + 1) * Width)
        {
            return;
        }

        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(destination);
        ref var expansions = ref MemoryMarshal.GetReference(Expansions);
        ref var extraLengths = ref MemoryMarshal.GetReference(ExtraLengths);
        var lastRead = (nuint)(source.Length - (2 * Width) - 1);
        var lastWrite = (nuint)(destination.Length - ((MaxExpansion + 1) * Width));
        var markerBound = Vector128.Create((byte)(LastMarker + 1));
        var r = (nuint)read;
        var w = (nuint)written;
        while (r <= lastRead && w <= lastWrite)
        {
            var vector = Vector128.LoadUnsafe(ref from, r);
            var markers = Vector128.LessThan(vector, markerBound).ExtractMostSignificantBits();
            vector.StoreUnsafe(ref to, w);
            var shift = (nuint)0;
            while (markers != 0)
            {
                var at = (nuint)BitOperations.TrailingZeroCount(markers);
                var marker = (nuint)Unsafe.Add(ref from, r + at);
                var expansion = previous + marker;
                previous = (nuint)ExpandState.AfterSingleQuote + (marker * 2);
                Unsafe.WriteUnaligned(
                    ref Unsafe.Add(ref to, w + at + shift),
                    Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref expansions, expansion * MaxExpansion)));
                shift += Unsafe.Add(ref extraLengths, expansion);
                Vector128.LoadUnsafe(ref from, r + at + 1).StoreUnsafe(ref to, w + at + 1 + shift);
                markers &= markers - 1;
            }

            r += Width;
            w += Width + shift;
        }

        read = (int)r;
        written = (int)w;
    }

    private static int ExpandScalar(ReadOnlySpan<byte> source, Span<byte> destination, out int written, ref nuint previous)
    {
        var read = 0;
        written = 0;
        while (read < source.Length)
        {
            var rest = source[read..];
            var marker = rest.IndexOfAnyInRange(FirstMarker, LastMarker);
            var run = marker < 0 ? rest.Length : marker;
            var room = destination.Length - written;
            if (run > room)
            {
                rest[..room].CopyTo(destination[written..]);
                read += room;
                written += room;
                return read;
            }

            rest[..run].CopyTo(destination[written..]);
            read += run;
            written += run;
            if (marker < 0)
            {
                return read;
            }

            var markerByte = rest[run];
            var index = (int)previous + markerByte;
            var length = ExpansionLengths[index];
            if (length > destination.Length - written)
            {
                return read;
            }

            Expansions.Slice(index * MaxExpansion, length).CopyTo(destination[written..]);
            previous = (nuint)ExpandState.AfterSingleQuote + ((nuint)markerByte * 2);
            written += length;
            read++;
        }

        return read;
    }

    /// <summary>Writes what ends a list once its whole body was expanded: the last item's closing quote, if any, then <c>]</c>.</summary>
    /// <param name="state">What the expansion of the body left.</param>
    /// <param name="destination">Where the bytes go; at least 2 bytes.</param>
    /// <returns>How many bytes were written.</returns>
    public static int WriteClosing(ExpandState state, Span<byte> destination)
    {
        if (state == ExpandState.Start)
        {
            destination[0] = (byte)']';
            return 1;
        }

        destination[0] = state == ExpandState.AfterDoubleQuote ? (byte)'"' : (byte)'\'';
        destination[1] = (byte)']';
        return 2;
    }
}

/// <summary>Where an expansion of a body stands: before its first item, or after an item quoted one way or the other.</summary>
internal enum ExpandState : byte
{
    /// <summary>No item yet: the next marker opens the list's first item.</summary>
    Start = 0,

    /// <summary>After an item quoted with <c>'</c>.</summary>
    AfterSingleQuote = 2,

    /// <summary>After an item quoted with <c>"</c>.</summary>
    AfterDoubleQuote = 4,
}
