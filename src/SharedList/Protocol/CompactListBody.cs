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
/// <para>Each item is one marker byte followed by its repr without the quotes, already escaped. The marker
/// stands for everything between the previous item's last escaped character and this item's first: the
/// previous item's closing quote and <c>, </c> (unless this is the first item), then this item's opening
/// quote. So <c>['a', "it's"]</c> is kept as <c>M0 a M3 it's</c> and expands to <c>'a', "it's"</c> plus the last
/// item's closing quote, which the owner of the body remembers (<see cref="WriteClosing"/>).</para>
/// <para>Why not keep the rendered body itself, which would make a reply a plain copy: the separator and the
/// two quotes cost 4 bytes per item against this form's 1, so 20 bytes against 17 for a 16-byte item, where
/// Redis's listpack needs 18. Expanding is a vectorized copy with a bit scan and a 4-byte store per item:
/// the markers are bytes 0 to 5, C0 controls, which <c>repr</c> always escapes and so never writes, and a
/// marker's expansion is at most 4 bytes.</para>
/// </remarks>
internal static class CompactListBody
{
    /// <summary>The most bytes one marker expands to, and so the least room an expansion step needs to go on.</summary>
    public const int MaxExpansion = 4;

    private const byte FirstMarker = 0;
    private const byte LastMarker = 5;

    // Indexed by marker: first item opened with ' or "; then after an item closed by ' and by ", the next
    // opened by ' and by ".
    private static ReadOnlySpan<byte> Expansions => "'\0\0\0\"\0\0\0', '', \"\", '\", \""u8;

    private static ReadOnlySpan<byte> ExpansionLengths => [1, 1, 4, 4, 4, 4];

    // How much longer than its marker each expansion is.
    private static ReadOnlySpan<byte> ExtraLengths => [0, 0, 3, 3, 3, 3];

    /// <summary>Writes one item of the body.</summary>
    /// <param name="utf8Item">The item as UTF-8; invalid sequences are read as by <see cref="PythonListRenderer.WriteRepr(ReadOnlySpan{byte}, IBufferWriter{byte})"/>.</param>
    /// <param name="previousQuote">The closing quote of the body's last item, or 0 when the body is empty.</param>
    /// <param name="output">Where the bytes go.</param>
    /// <returns>The item's quote, to pass as <paramref name="previousQuote"/> for the next one and to close the body.</returns>
    public static byte WriteItem(ReadOnlySpan<byte> utf8Item, byte previousQuote, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (PythonListRenderer.IsPlain(utf8Item))
        {
            // The common case, and an append's whole cost: one scan, one copy. Only into the room the writer
            // has: asking for more would make a chunked writer stage a long item to split it.
            var span = output.GetSpan();
            if (span.Length > utf8Item.Length)
            {
                span[0] = Marker(previousQuote, (byte)'\'');
                utf8Item.CopyTo(span[1..]);
                output.Advance(utf8Item.Length + 1);
                return (byte)'\'';
            }
        }

        var quote = PythonListRenderer.ChooseQuote(utf8Item);
        var markerSpan = output.GetSpan(1);
        markerSpan[0] = Marker(previousQuote, quote);
        output.Advance(1);
        PythonListRenderer.WriteReprContent(utf8Item, quote, output);
        return quote;
    }

    private static byte Marker(byte previousQuote, byte quote) => (byte)(previousQuote switch
    {
        0 => 0,
        (byte)'\'' => 2,
        _ => 4,
    } + (quote == '"' ? 1 : 0));

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
    /// <param name="written">How many bytes were written.</param>
    /// <returns>How many bytes of <paramref name="source"/> were used.</returns>
    public static int Expand(ReadOnlySpan<byte> source, Span<byte> destination, out int written) =>
        Expand(source, destination, out written, Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0);

    /// <summary>As <see cref="Expand(ReadOnlySpan{byte}, Span{byte}, out int)"/> with vectors of <paramref name="vectorBits"/> bits (256, 128, or 0 for none), so each path can be tested on any machine.</summary>
    internal static int Expand(ReadOnlySpan<byte> source, Span<byte> destination, out int written, int vectorBits)
    {
        var read = 0;
        written = 0;
        if (vectorBits == 256)
        {
            ExpandVector256(source, destination, ref read, ref written);
        }
        else if (vectorBits == 128)
        {
            ExpandVector128(source, destination, ref read, ref written);
        }

        read += ExpandScalar(source[read..], destination[written..], out var tail);
        written += tail;
        return read;
    }

    // A LIST reply's cost is this loop. Each step takes one vector of source and stores it whole; then, for each
    // marker in it (found by bit scanning, not by searching again), the marker's expansion as one 4-byte store
    // and, right after it, a whole vector of the bytes that follow the marker. Each store overwrites the tail
    // of the one before, and the next step's first store the last one's. No load waits on a store, and the
    // markers' table lookups need no bounds checks (the compare found each marker below 6). A step reads up
    // to two vectors and a byte past its start, and writes up to (MaxExpansion + 1) vectors past its output start.
    private static void ExpandVector256(ReadOnlySpan<byte> source, Span<byte> destination, ref int read, ref int written)
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
                Unsafe.WriteUnaligned(
                    ref Unsafe.Add(ref to, w + at + shift),
                    Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref expansions, marker * MaxExpansion)));
                shift += Unsafe.Add(ref extraLengths, marker);
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
    private static void ExpandVector128(ReadOnlySpan<byte> source, Span<byte> destination, ref int read, ref int written)
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
                Unsafe.WriteUnaligned(
                    ref Unsafe.Add(ref to, w + at + shift),
                    Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref expansions, marker * MaxExpansion)));
                shift += Unsafe.Add(ref extraLengths, marker);
                Vector128.LoadUnsafe(ref from, r + at + 1).StoreUnsafe(ref to, w + at + 1 + shift);
                markers &= markers - 1;
            }

            r += Width;
            w += Width + shift;
        }

        read = (int)r;
        written = (int)w;
    }

    private static int ExpandScalar(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
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

            var index = rest[run];
            var length = ExpansionLengths[index];
            if (length > destination.Length - written)
            {
                return read;
            }

            Expansions.Slice(index * MaxExpansion, length).CopyTo(destination[written..]);
            written += length;
            read++;
        }

        return read;
    }

    /// <summary>Writes what ends a list whose body's last item was closed by <paramref name="lastQuote"/> (0 for an empty list): that quote, then <c>]</c>.</summary>
    /// <param name="lastQuote">The value <see cref="WriteItem"/> returned for the last item, or 0.</param>
    /// <param name="destination">Where the bytes go; at least 2 bytes.</param>
    /// <returns>How many bytes were written.</returns>
    public static int WriteClosing(byte lastQuote, Span<byte> destination)
    {
        if (lastQuote == 0)
        {
            destination[0] = (byte)']';
            return 1;
        }

        destination[0] = lastQuote;
        destination[1] = (byte)']';
        return 2;
    }
}
