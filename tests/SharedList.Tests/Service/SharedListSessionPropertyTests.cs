using System.Buffers;
using FsCheck.Xunit;
using SharedList.Protocol;
using SharedList.Stores;
using SharedList.Tests.Support;
using SocketServer.Sessions;

namespace SharedList.Tests.Service;

/// <summary>Line framing must not care how the network chunks the bytes.</summary>
public class SharedListSessionPropertyTests
{
    // Pieces a random stream is made of: keywords and their fragments, terminators, multi-byte UTF-8,
    // and invalid UTF-8 (a lone continuation byte, a truncated sequence, an encoded surrogate).
    private static readonly byte[][] Tokens =
    [
        "LIST"u8.ToArray(), "CLEAR"u8.ToArray(), "LIS"u8.ToArray(), "T"u8.ToArray(), "\n"u8.ToArray(),
        "\r"u8.ToArray(), "\r\n"u8.ToArray(), "a"u8.ToArray(), "'"u8.ToArray(), " "u8.ToArray(),
        "é"u8.ToArray(), "😀"u8.ToArray(), [0x80], [0xC3], [0xED, 0xA0, 0x80], [0xFF],
    ];

    // Small, so over-long lines and the Close that follows are common in generated streams.
    private const int MaxMessageBytes = 12;

    [Property(MaxTest = 300)]
    public bool Chunking_does_not_change_the_output(byte[] tokenChoices, int[] cutChoices, bool peerCloses)
    {
        var stream = tokenChoices.SelectMany(t => Tokens[t % Tokens.Length]).ToArray();
        var cuts = cutChoices.Select(c => (int)((uint)c % (uint)(stream.Length + 1))).Order().ToArray();

        var whole = Run(Framing.Line, [stream], peerCloses);
        var chunked = Run(Framing.Line, SegmentedSequence.Chunks(stream, cuts), peerCloses);

        return whole.Result.Output.AsSpan().SequenceEqual(chunked.Result.Output)
            && whole.Result.Closed == chunked.Result.Closed
            && whole.List == chunked.List;
    }

    [Property(MaxTest = 300)]
    public bool A_session_handed_its_input_in_segments_answers_as_when_it_arrives_in_one_buffer(byte[] tokenChoices, int[] cutChoices, bool peerCloses)
    {
        // No server model hands a session a multi-segment sequence today, but the seam allows it.
        var stream = tokenChoices.SelectMany(t => Tokens[t % Tokens.Length]).ToArray();
        var cuts = cutChoices.Select(c => (int)((uint)c % (uint)(stream.Length + 1))).Order().ToArray();
        var contiguous = Run(Framing.Line, [stream], peerCloses);

        var store = new MemoryListStore();
        var session = Sessions.Create(store, Framing.Line, maxMessageBytes: MaxMessageBytes);
        var input = SegmentedSequence.Split(stream, cuts);
        var output = new ArrayBufferWriter<byte>();
        var status = session.Process(ref input, peerCloses, output);

        return output.WrittenSpan.SequenceEqual(contiguous.Result.Output)
            && (status == SessionStatus.Close) == contiguous.Result.Closed
            && store.Snapshot().ToString() == contiguous.List;
    }

    [Property(MaxTest = 200)]
    public bool Raw_framing_never_throws_and_answers_every_read(byte[][] reads)
    {
        var nonEmpty = reads.Where(r => r.Length > 0).ToArray();

        var (result, _) = Run(Framing.Raw, nonEmpty, peerCloses: true);

        // Each read is one message, so each gets a reply of at least 2 bytes (the shortest is "[]") until the
        // first one over the limit closes the session; end of input always closes it.
        return result.Output.Length >= 2 * Math.Min(nonEmpty.Length, CountUntilTooLong(nonEmpty))
            && result.Closed;
    }

    private static int CountUntilTooLong(byte[][] reads)
    {
        var index = Array.FindIndex(reads, r => r.Length > MaxMessageBytes);
        return index < 0 ? reads.Length : index + 1;
    }

    private static (DrivenResult Result, string List) Run(Framing framing, IEnumerable<byte[]> chunks, bool peerCloses)
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store, framing, maxMessageBytes: MaxMessageBytes);
        var result = DrivenSession.Feed(session, chunks, peerCloses);
        return (result, store.Snapshot().ToString());
    }
}
