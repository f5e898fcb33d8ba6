using System.Net.Sockets;
using SocketServer.Internal;
using SocketServer.Sessions;

namespace SocketServer.Handlers;

/// <summary>
/// Runs an <see cref="ISession"/> over a blocking connection: the bridge that lets the blocking models
/// (sequential, threading, pool) serve the same protocol as the event-driven ones.
/// </summary>
/// <remarks>
/// Created per connection by the server's handler factory; used by one thread. The server's
/// <see cref="ServerOptions.IdleTimeout"/> and <see cref="ServerOptions.StallTimeout"/> are enforced with the
/// socket's receive and send timeouts, set from the connection's deadline before each call. With TLS the server
/// has done the handshake before <see cref="Handle"/> runs, which then reads and writes the TLS stream.
/// </remarks>
public sealed class SessionStreamHandler : BaseRequestHandler
{
    private readonly ISessionFactory _sessions;
    private int _appliedReceiveTimeout;
    private int _appliedSendTimeout;

    /// <summary>Creates a handler that will ask <paramref name="sessions"/> for its session.</summary>
    public SessionStreamHandler(ISessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _sessions = sessions;
    }

    /// <inheritdoc />
    public override void Handle()
    {
        Request.NoDelay = true;
        var session = _sessions.CreateSession(new ConnectionContext(RequestId, ClientAddress, Request.LocalEndPoint!, TransportKind.Stream));
        var input = new InputBuffer();
        var output = new OutputBuffer();
        var clock = new ProgressClock(Server.Options.Timeouts);
        var inputCompleted = false;
        var status = SessionStatus.Continue;
        try
        {
            while (true)
            {
                if (status != SessionStatus.OutputPending)
                {
                    var space = input.GetReceiveSpace();
                    var receiveTimeout = TimeoutFor(clock);
                    if (receiveTimeout != _appliedReceiveTimeout)
                    {
                        Request.ReceiveTimeout = _appliedReceiveTimeout = receiveTimeout;
                    }

                    var received = Tls?.Read(space.Array!, space.Offset, space.Count) ?? Request.Receive(space.Array!, space.Offset, space.Count, SocketFlags.None);
                    input.Commit(received);
                    inputCompleted = received == 0;
                }

                var data = input.Data;
                status = session.Process(ref data, inputCompleted, output.Writer);
                var consumed = input.ConsumeTo(data);
                clock.Update(inFlight: !input.IsEmpty || output.HasPending || status == SessionStatus.OutputPending, progressed: consumed > 0);

                while (output.HasPending)
                {
                    var sendTimeout = TimeoutFor(clock);
                    if (sendTimeout != _appliedSendTimeout)
                    {
                        Request.SendTimeout = _appliedSendTimeout = sendTimeout;
                    }

                    output.Sent(Send(output.Pending));
                    clock.Update(inFlight: !input.IsEmpty || output.HasPending || status == SessionStatus.OutputPending, progressed: true);
                }

                if (status == SessionStatus.Close || (inputCompleted && status != SessionStatus.OutputPending))
                {
                    return;
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            Server.LogConnectionTimeout(ClientAddress, clock);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            // The same deadline, surfacing through the TLS stream.
            Server.LogConnectionTimeout(ClientAddress, clock);
        }
        catch (ConnectionDeadlinePassedException)
        {
            Server.LogConnectionTimeout(ClientAddress, clock);
        }
    }

    // Sends some of the pending bytes and says how many: TLS writes them all at once.
    private int Send(ReadOnlySpan<byte> data)
    {
        if (Tls is null)
        {
            return Request.Send(data);
        }

        Tls.Write(data);
        return data.Length;
    }

    // The socket timeout for the next call: the time left before the deadline (0 = wait forever). The caller
    // skips setsockopt when the value is unchanged, so an unbounded idle wait costs no system call.
    private static int TimeoutFor(ProgressClock clock)
    {
        var remaining = clock.Remaining();
        if (remaining is { } left && left <= TimeSpan.Zero)
        {
            throw new ConnectionDeadlinePassedException();
        }

        return remaining is { } r ? (int)Math.Clamp(Math.Ceiling(r.TotalMilliseconds), 1, int.MaxValue) : 0;
    }

    private sealed class ConnectionDeadlinePassedException : Exception;
}
