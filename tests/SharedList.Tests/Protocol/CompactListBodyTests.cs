using System.Buffers;
using System.Text;
using FsCheck.Xunit;
using SharedList.Protocol;

namespace SharedList.Tests.Protocol;

/// <summary>The store's compact form of a list body must expand to exactly what the renderer writes, however it is cut.</summary>
public class CompactListBodyTests
{
    [Fact]
    public void Each_marker_expands_to_the_quotes_and_separator_between_two_items()
    {
        string[][] lists = [[], ["a"], ["it's"], ["a", "b"], ["a", "it's"], ["it's", "a"], ["it's", "it's"], ["", "\"", "'", "'\""]];
        foreach (var items in lists)
        {
            var body = Compact(items);

            Assert.Equal(PythonListRenderer.RenderToString(items), Encoding.UTF8.GetString(Rendered(body)));
            Assert.Equal(Encoding.UTF8.GetByteCount(PythonListRenderer.RenderToString(items)), CompactListBody.RenderedLength(body.Length, items.Length));
        }
    }

    [Property(MaxTest = 300)]
    public bool Expanding_in_pieces_writes_the_same_bytes_with_32_byte_vectors(int seed, byte[] cutChoices, byte[] roomChoices) =>
        ExpandsInPieces(seed, cutChoices, roomChoices, vectorBits: 256);

    [Property(MaxTest = 300)]
    public bool Expanding_in_pieces_writes_the_same_bytes_with_16_byte_vectors(int seed, byte[] cutChoices, byte[] roomChoices) =>
        ExpandsInPieces(seed, cutChoices, roomChoices, vectorBits: 128);

    [Property(MaxTest = 300)]
    public bool Expanding_in_pieces_writes_the_same_bytes_without_vectors(int seed, byte[] cutChoices, byte[] roomChoices) =>
        ExpandsInPieces(seed, cutChoices, roomChoices, vectorBits: 0);

    [Property(MaxTest = 300)]
    public bool The_nth_marker_is_found_with_32_byte_vectors(int seed) => FindsEachMarker(seed, vectorBits: 256);

    [Property(MaxTest = 300)]
    public bool The_nth_marker_is_found_with_16_byte_vectors(int seed) => FindsEachMarker(seed, vectorBits: 128);

    [Property(MaxTest = 300)]
    public bool The_nth_marker_is_found_without_vectors(int seed) => FindsEachMarker(seed, vectorBits: 0);

    [Fact]
    public void Past_the_last_item_there_is_no_marker()
    {
        var body = Compact(["a", "it's", "c"]);

        Assert.Equal(0, CompactListBody.IndexOfNthMarker(body, 0));
        Assert.Equal(-1, CompactListBody.IndexOfNthMarker(body, 3));
        Assert.Equal(-1, CompactListBody.IndexOfNthMarker([], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactListBody.IndexOfNthMarker(body, -1));
    }

    // Every marker of a body of short and long items, from a random offset into it (so each vector path meets its
    // edges and the scalar tail), against a plain walk from byte to byte.
    private static bool FindsEachMarker(int seed, int vectorBits)
    {
        var random = new Random(seed);
        var items = Enumerable.Range(0, random.Next(0, 60)).Select(_ => random.Next(4) == 0 ? new string('x', random.Next(20, 90)) : Unicode14Strings.Next(random)).ToArray();
        var body = Compact(items);
        var skip = body.Length == 0 ? 0 : random.Next(body.Length);
        var span = body.AsSpan(skip);
        var expected = new List<int>();
        for (var at = 0; at < span.Length; at++)
        {
            if (span[at] <= CompactListBody.DoubleQuoted)
            {
                expected.Add(at);
            }
        }

        for (var n = 0; n <= expected.Count; n++)
        {
            var want = n < expected.Count ? expected[n] : -1;
            if (CompactListBody.IndexOfNthMarker(span, n, vectorBits) != want)
            {
                return false;
            }
        }

        return true;
    }

    private static bool ExpandsInPieces(int seed, byte[] cutChoices, byte[] roomChoices, int vectorBits)
    {
        var random = new Random(seed);
        var items = Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(4) == 0 ? new string('x', random.Next(20, 90)) : Unicode14Strings.Next(random)).ToArray();
        var body = Compact(items);
        var whole = Expanded(body, body.Length, body.Length * 4, out _);

        // The source cut anywhere, into destinations of any size from the least that always takes something
        // to more than the vector loops need: the vector and scalar paths both meet both edges.
        var output = new List<byte>();
        var source = body.AsSpan();
        var cuts = new Queue<byte>(cutChoices);
        var rooms = new Queue<byte>(roomChoices);
        var state = ExpandState.Start;
        for (var steps = 0; !source.IsEmpty && steps <= 4 * body.Length; steps++)
        {
            var take = cuts.TryDequeue(out var cut) ? Math.Min(source.Length, 1 + cut) : source.Length;
            var room = rooms.TryDequeue(out var r) ? CompactListBody.MaxExpansion + r : 200;
            var destination = new byte[room];
            var read = CompactListBody.Expand(source[..take], destination, ref state, out var written, vectorBits);
            if (read == 0 && written == 0)
            {
                return false;
            }

            output.AddRange(destination.AsSpan(0, written).ToArray());
            source = source[read..];
        }

        return source.IsEmpty && output.SequenceEqual(whole);
    }

    [Fact]
    public void An_item_stored_escaped_decodes_to_its_own_text()
    {
        string[] items = ["plain", "it's", "say \"hi\"", "both ' and \"", "tab\tnew\nline\rreturn", "back\\slash", "\u0000\u0001\u007f\u0085\u00a0\u00ad\u2028\ufeff", "olá ☃ 😀 \U000e0001", string.Empty];
        foreach (var item in items)
        {
            var body = new ArrayBufferWriter<byte>();
            CompactListBody.WriteItem(Encoding.UTF8.GetBytes(item), body);
            var decoded = new ArrayBufferWriter<byte>();
            ReprDecoder.Decode(body.WrittenSpan[1..], decoded);
            Assert.Equal(item, Encoding.UTF8.GetString(decoded.WrittenSpan));
        }
    }

    private static byte[] Compact(string[] items)
    {
        var body = new ArrayBufferWriter<byte>();
        foreach (var item in items)
        {
            CompactListBody.WriteItem(Encoding.UTF8.GetBytes(item), body);
        }

        return body.WrittenSpan.ToArray();
    }

    private static byte[] Expanded(byte[] body, int take, int room, out ExpandState state)
    {
        var destination = new byte[room + CompactListBody.MaxExpansion];
        state = ExpandState.Start;
        var read = CompactListBody.Expand(body.AsSpan(0, take), destination, ref state, out var written);
        Assert.Equal(take, read);
        return destination[..written];
    }

    private static byte[] Rendered(byte[] body)
    {
        var closing = new byte[2];
        var expanded = Expanded(body, body.Length, body.Length * 4, out var state);
        var closingLength = CompactListBody.WriteClosing(state, closing);
        return [(byte)'[', .. expanded, .. closing[..closingLength]];
    }
}
