using System.Buffers;
using System.Text;
using FsCheck.Xunit;
using SharedList.Protocol;
using SharedList.Tests.Support;

namespace SharedList.Tests.Protocol;

public class MessageFramerTests
{
    // Pipelined messages, CRLF and LF, empty lines, a lone CR inside a line, multi-byte UTF-8 (2- and 4-byte).
    private static readonly byte[] Stream = Encoding.UTF8.GetBytes("LIST\nabc\r\n\n\r\nçé😀 ü\r\nx\ry\nCLEAR\nend\r");

    // The unterminated "end\r" is not a message, even at end of input: a line the client never finished is dropped.
    private static readonly string[] Expected = ["LIST", "abc", "", "", "çé😀 ü", "x\ry", "CLEAR"];

    [Fact]
    public void Line_framing_reads_pipelined_messages_and_drops_the_unfinished_tail_at_end_of_input()
    {
        var (messages, status) = ReadAll(new MessageFramer(Framing.Line, 64), [Stream], complete: true);

        Assert.Equal(Expected, messages);
        Assert.Equal(FrameStatus.Incomplete, status);
    }

    [Fact]
    public void Line_framing_gives_the_same_messages_for_every_two_segment_split_of_one_buffer()
    {
        var framer = new MessageFramer(Framing.Line, 64);
        for (var cut = 0; cut <= Stream.Length; cut++)
        {
            var input = SegmentedSequence.Split(Stream, cut);
            var messages = new List<string>();
            while (framer.TryReadMessage(ref input, out var message) == FrameStatus.Message)
            {
                messages.Add(Encoding.UTF8.GetString(message.ToArray()));
            }

            Assert.Equal(Expected, messages);
            Assert.Equal("end\r"u8.ToArray(), input.ToArray());
        }
    }

    // Bytes from an alphabet of "a", "\r" and "\n", read whole from one segment and from two: every step gives the
    // same status, message and leftover, whatever the limit. One segment is the framer's fast path.
    [Property(MaxTest = 500)]
    public bool Line_framing_reads_one_segment_as_it_reads_two(byte[] choices, byte cut, byte limit)
    {
        var data = choices.Select(c => "a\r\n"u8[c % 3]).ToArray();
        var maxMessageBytes = 1 + (limit % 8);
        var framer = new MessageFramer(Framing.Line, maxMessageBytes);
        var whole = new ReadOnlySequence<byte>(data);
        var split = SegmentedSequence.Split(data, data.Length == 0 ? 0 : cut % (data.Length + 1));
        for (var step = 0; step <= data.Length; step++)
        {
            var fromWhole = framer.TryReadMessage(ref whole, out var wholeMessage);
            var fromSplit = framer.TryReadMessage(ref split, out var splitMessage);
            if (fromWhole != fromSplit
                || !wholeMessage.ToArray().SequenceEqual(splitMessage.ToArray())
                || !whole.ToArray().SequenceEqual(split.ToArray()))
            {
                return false;
            }

            if (fromWhole != FrameStatus.Message)
            {
                return true;
            }

            // Re-made from what is left, so each step starts on one segment again.
            whole = new ReadOnlySequence<byte>(whole.ToArray());
        }

        return false;
    }

    [Fact]
    public void Line_framing_gives_the_same_messages_however_the_reads_are_chunked()
    {
        var framer = new MessageFramer(Framing.Line, 64);
        for (var first = 0; first <= Stream.Length; first++)
        {
            for (var second = first; second <= Stream.Length; second++)
            {
                var (messages, _) = ReadAll(framer, SegmentedSequence.Chunks(Stream, [first, second]), complete: true);
                Assert.Equal(Expected, messages);
            }
        }
    }

    [Fact]
    public void Line_framing_gives_the_same_messages_when_every_byte_arrives_alone()
    {
        var oneByteChunks = Stream.Select(b => new[] { b });

        var (messages, _) = ReadAll(new MessageFramer(Framing.Line, 64), oneByteChunks, complete: true);

        Assert.Equal(Expected, messages);
    }

    [Fact]
    public void Line_framing_reads_a_message_spread_over_many_segments()
    {
        var cuts = Enumerable.Range(0, Stream.Length + 1).SelectMany(i => new[] { i, i }).ToArray();
        var input = SegmentedSequence.Split(Stream, cuts);
        var framer = new MessageFramer(Framing.Line, 64);
        var messages = new List<string>();

        while (framer.TryReadMessage(ref input, out var message) == FrameStatus.Message)
        {
            messages.Add(Encoding.UTF8.GetString(message.ToArray()));
        }

        Assert.Equal(Expected, messages);
    }

    [Fact]
    public void An_unterminated_tail_stays_buffered()
    {
        var framer = new MessageFramer(Framing.Line, 64);
        var input = new ReadOnlySequence<byte>("a\nb"u8.ToArray());

        Assert.Equal(FrameStatus.Message, framer.TryReadMessage(ref input, out var first));
        Assert.Equal("a"u8.ToArray(), first.ToArray());
        Assert.Equal(FrameStatus.Incomplete, framer.TryReadMessage(ref input, out _));
        Assert.Equal("b"u8.ToArray(), input.ToArray());
    }

    [Fact]
    public void End_of_input_with_nothing_buffered_is_no_message()
    {
        var framer = new MessageFramer(Framing.Line, 64);
        var input = ReadOnlySequence<byte>.Empty;

        Assert.Equal(FrameStatus.Incomplete, framer.TryReadMessage(ref input, out _));
    }

    [Theory]
    [InlineData("12345\n", FrameStatus.Message)]
    [InlineData("12345\r\n", FrameStatus.Message)]
    [InlineData("12345\r", FrameStatus.Incomplete)]
    [InlineData("12345", FrameStatus.Incomplete)]
    [InlineData("123456\n", FrameStatus.TooLong)]
    [InlineData("1234\r\r\n", FrameStatus.Message)]
    [InlineData("12345\r\r\n", FrameStatus.TooLong)]
    [InlineData("12345\rx", FrameStatus.TooLong)]
    [InlineData("123456", FrameStatus.TooLong)]
    public void Line_length_counts_the_bytes_before_the_newline_without_a_final_CR(string text, FrameStatus expected)
    {
        var framer = new MessageFramer(Framing.Line, 5);
        var input = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
        var before = input.Length;

        var status = framer.TryReadMessage(ref input, out _);

        Assert.Equal(expected, status);
        if (status != FrameStatus.Message)
        {
            Assert.Equal(before, input.Length);
        }
    }

    [Fact]
    public void An_over_long_line_is_detected_before_its_newline_arrives()
    {
        var framer = new MessageFramer(Framing.Line, 5);
        var (messages, status) = ReadAll(framer, [Encoding.ASCII.GetBytes("ok\n123"), Encoding.ASCII.GetBytes("456")], complete: false);

        Assert.Equal(["ok"], messages);
        Assert.Equal(FrameStatus.TooLong, status);
    }

    [Fact]
    public void Raw_framing_takes_everything_buffered_as_one_message()
    {
        var framer = new MessageFramer(Framing.Raw, 64);
        var input = SegmentedSequence.Split("LIST\nx\r\n"u8.ToArray(), 3);

        Assert.Equal(FrameStatus.Message, framer.TryReadMessage(ref input, out var message));
        Assert.Equal("LIST\nx\r\n"u8.ToArray(), message.ToArray());
        Assert.True(input.IsEmpty);
        Assert.Equal(FrameStatus.Incomplete, framer.TryReadMessage(ref input, out _));
    }

    [Fact]
    public void Raw_framing_rejects_more_than_the_limit()
    {
        var framer = new MessageFramer(Framing.Raw, 4);
        var fits = new ReadOnlySequence<byte>("1234"u8.ToArray());
        var over = new ReadOnlySequence<byte>("12345"u8.ToArray());

        Assert.Equal(FrameStatus.Message, framer.TryReadMessage(ref fits, out _));
        Assert.Equal(FrameStatus.TooLong, framer.TryReadMessage(ref over, out _));
    }

    [Fact]
    public void Reading_single_segment_lines_does_not_allocate()
    {
        var framer = new MessageFramer(Framing.Line, 64);
        var data = new ReadOnlySequence<byte>(Stream);
        CountMessages(framer, data);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var count = CountMessages(framer, data);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Expected.Length, count);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Invalid_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageFramer(Framing.Line, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageFramer((Framing)7, 10));
    }

    private static int CountMessages(MessageFramer framer, ReadOnlySequence<byte> input)
    {
        var count = 0;
        while (framer.TryReadMessage(ref input, out _) == FrameStatus.Message)
        {
            count++;
        }

        return count;
    }

    // Feeds reads as a server does (unconsumed bytes kept as segments), until input ends or TooLong.
    private static (List<string> Messages, FrameStatus Last) ReadAll(MessageFramer framer, IEnumerable<byte[]> chunks, bool complete)
    {
        var messages = new List<string>();
        var pending = new List<ReadOnlyMemory<byte>>();
        var last = FrameStatus.Incomplete;
        var reads = chunks.Select(c => (Chunk: c, Completed: false)).ToList();
        if (complete)
        {
            reads.Add(([], true));
        }

        foreach (var (chunk, completed) in reads)
        {
            pending.Add(chunk);
            var input = SegmentedSequence.Create(pending);
            while ((last = framer.TryReadMessage(ref input, out var message)) == FrameStatus.Message)
            {
                messages.Add(Encoding.UTF8.GetString(message.ToArray()));
            }

            if (last == FrameStatus.TooLong)
            {
                break;
            }

            pending = SegmentedSequence.Segments(input);
        }

        return (messages, last);
    }
}
