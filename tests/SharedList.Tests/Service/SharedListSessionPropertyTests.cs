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
            && whole.Result.Status == chunked.Result.Status
            && whole.List == chunked.List;
    }

    [Property(MaxTest = 200)]
    public bool Raw_framing_never_throws_and_answers_every_read(byte[][] reads)
    {
        var nonEmpty = reads.Where(r => r.Length > 0).ToArray();

        var (result, _) = Run(Framing.Raw, nonEmpty, peerCloses: true);

        // Each read is one message, so each gets a reply of at least 2 bytes (the shortest is "[]") until the
        // first one over the limit closes the session; end of input always closes it.
        return result.Output.Length >= 2 * Math.Min(nonEmpty.Length, CountUntilTooLong(nonEmpty))
            && (result.Status == SessionStatus.Close);
    }

    private static int CountUntilTooLong(byte[][] reads)
    {
        var index = Array.FindIndex(reads, r => r.Length > MaxMessageBytes);
        return index < 0 ? reads.Length : index + 1;
    }

    private static (FeedResult Result, string List) Run(Framing framing, IEnumerable<byte[]> chunks, bool peerCloses)
    {
        var store = new InMemoryListStore();
        var session = Sessions.Create(store, framing, maxMessageBytes: MaxMessageBytes);
        var result = SessionFeeder.Feed(session, chunks, peerCloses);
        return (result, store.Snapshot().ToString());
    }
}
