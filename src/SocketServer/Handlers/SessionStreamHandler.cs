using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using SocketServer.Sessions;
using SocketServer.Tls;

namespace SocketServer.Handlers;

/// <summary>
/// Runs an <see cref="ISession"/> over a blocking connection: the bridge that lets the blocking models
/// (sequential, threading, pool) serve the same protocol as the event-driven ones.
/// </summary>
/// <remarks>
/// <para>Created per connection by the server's handler factory; not thread-safe (one thread per instance).</para>
/// <para>With TLS, <see cref="Setup"/> performs the handshake (bounded by <see cref="ServerTlsOptions.HandshakeTimeout"/>;
/// a failure ends the request there and is logged at Debug), <see cref="Handle"/> reads and writes through the
/// TLS stream, and <see cref="Finish"/> sends close_notify.</para>
/// </remarks>
public sealed class SessionStreamHandler : BaseRequestHandler
{
    private const int InitialBufferSize = 4096;

    // A reply buffer grown past this (one huge LIST) is dropped after use rather than held for the connection's life.
    private const int RetainedReplyCapacity = 64 * 1024;

    private readonly ISessionFactory _sessions;
    private readonly ServerTlsOptions? _tlsOptions;
    private SslStream? _tls;

    /// <summary>Creates a handler that will ask <paramref name="sessions"/> for its session.</summary>
    /// <param name="sessions">Creates the connection's session.</param>
    /// <param name="tls">When set, the connection speaks TLS with these options; plain TCP when null.</param>
    public SessionStreamHandler(ISessionFactory sessions, ServerTlsOptions? tls = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _sessions = sessions;
        _tlsOptions = tls;
    }

    /// <inheritdoc />
    public override void Setup()
    {
        if (_tlsOptions is not null)
        {
            _tls = ServerTls.Authenticate(Request, _tlsOptions);
        }
    }

    /// <inheritdoc />
    public override void Finish()
    {
        if (_tls is not null)
        {
            ServerTls.Close(_tls);
        }
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

            var received = _tls?.Read(buffer, end, buffer.Length - end) ?? Request.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
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
        if (_tls is not null)
        {
            _tls.Write(data);
            return;
        }

        while (!data.IsEmpty)
        {
            data = data[Request.Send(data)..];
        }
    }
}
