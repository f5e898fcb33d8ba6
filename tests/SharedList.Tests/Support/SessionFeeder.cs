using System.Buffers;
using SocketServer.Sessions;

namespace SharedList.Tests.Support;

/// <summary>
/// Drives a session the way a server does, with no socket: each chunk is appended to the unconsumed bytes
/// (kept as separate segments, like a pipe), <see cref="ISession.Process"/> runs, and feeding stops at Close.
/// </summary>
internal static class SessionFeeder
{
    /// <param name="session">The session under test.</param>
    /// <param name="chunks">The reads, in order.</param>
    /// <param name="complete">Whether the peer then half-closes (one last call with inputCompleted).</param>
    public static FeedResult Feed(ISession session, IEnumerable<byte[]> chunks, bool complete = true)
    {
        var output = new ArrayBufferWriter<byte>();
        var pending = new List<ReadOnlyMemory<byte>>();
        var status = SessionStatus.Continue;
        foreach (var chunk in chunks)
        {
            pending.Add(chunk);
            status = Step(session, ref pending, completed: false, output);
            if (status == SessionStatus.Close)
            {
                return Result(output, status, pending);
            }
        }

        if (complete)
        {
            status = Step(session, ref pending, completed: true, output);
        }

        return Result(output, status, pending);
    }

    private static SessionStatus Step(ISession session, ref List<ReadOnlyMemory<byte>> pending, bool completed, IBufferWriter<byte> output)
    {
        var input = SegmentedSequence.Create(pending);
        var status = session.Process(ref input, completed, output);
        pending = SegmentedSequence.Segments(input);
        return status;
    }

    private static FeedResult Result(ArrayBufferWriter<byte> output, SessionStatus status, List<ReadOnlyMemory<byte>> pending)
    {
        return new FeedResult(output.WrittenSpan.ToArray(), status, pending.Sum(m => m.Length));
    }
}
