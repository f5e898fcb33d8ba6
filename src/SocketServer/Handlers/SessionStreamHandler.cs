using System.Buffers;
using System.Net.Sockets;
using SocketServer.Sessions;

namespace SocketServer.Handlers;

/// <summary>
/// Runs an <see cref="ISession"/> over a blocking connection: the bridge that lets the blocking models
/// (sequential, threading, pool) serve the same protocol as the event-driven ones.
/// </summary>
/// <remarks>Created per connection by the server's handler factory; not thread-safe (one thread per instance).</remarks>
public sealed class SessionStreamHandler : BaseRequestHandler
{
    private const int InitialBufferSize = 4096;

    // A reply buffer grown past this (one huge LIST) is dropped after use rather than held for the connection's life.
    private const int RetainedReplyCapacity = 64 * 1024;

    private readonly ISessionFactory _sessions;

    /// <summary>Creates a handler that will ask <paramref name="sessions"/> for its session.</summary>
    public SessionStreamHandler(ISessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _sessions = sessions;
    }

    /// <inheritdoc />
    public override void Handle()
    {
        var session = _sessions.CreateSession(new ConnectionContext(RequestId, ClientAddress, Request.LocalEndPoint!, TransportKind.Stream));
        var buffer = new byte[InitialBufferSize];
        var start = 0;
        var end = 0;
        var replies = new ArrayBufferWriter<byte>();
        while (true)
        {
            if (end == buffer.Length)
            {
                // Keep unconsumed bytes at the front; grow only when a single message needs more room.
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                else
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }

            var received = Request.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
            end += received;
            var inputCompleted = received == 0;

            var input = new ReadOnlySequence<byte>(buffer, start, end - start);
            var before = input.Length;
            var status = session.Process(ref input, inputCompleted, replies);
            start += (int)(before - input.Length);
            if (start == end)
            {
                start = end = 0;
            }

            if (replies.WrittenCount > 0)
            {
                SendAll(replies.WrittenSpan);
                if (replies.Capacity > RetainedReplyCapacity)
                {
                    replies = new ArrayBufferWriter<byte>();
                }
                else
                {
                    replies.ResetWrittenCount();
                }
            }

            if (status == SessionStatus.Close || inputCompleted)
            {
                return;
            }
        }
    }

    private void SendAll(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data[Request.Send(data)..];
        }
    }
}
