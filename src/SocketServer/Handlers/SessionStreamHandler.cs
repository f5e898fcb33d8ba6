using System.Net.Sockets;
using SocketServer.Connections;
using SocketServer.Core;
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
        Listener.DisableNagle(Request);
        var session = _sessions.CreateSession(new ConnectionContext(RequestId, ClientAddress, Request.LocalEndPoint!, TransportKind.Stream));
        var server = (BaseServer)Server;
        var driver = new ConnectionDriver(session, server.Options.Timeouts, server.Buffers, counters: server.CoreCounters);
        try
        {
            while (!driver.IsComplete)
            {
                if (driver.AwaitingCommit)
                {
                    driver.WaitForCommit();
                    continue;
                }

                if (driver.HasUnsent)
                {
                    ApplyTimeout(driver, ref _appliedSendTimeout, static (socket, timeout) => socket.SendTimeout = timeout);
                    driver.Sent(Send(driver.Unsent.Span));
                    continue;
                }

                // Plain TCP also wakes for a stall notice: a timed-out receive leaves the socket usable, which a TLS
                // stream does not promise, so with TLS a stall is only described when the connection is closed.
                var noticeAt = Tls is null ? driver.StallNoticeAt : long.MaxValue;
                ApplyTimeout(driver, ref _appliedReceiveTimeout, static (socket, timeout) => socket.ReceiveTimeout = timeout, noticeAt);
                var room = driver.GetReceiveBuffer().Span;
                int received;
                try
                {
                    received = Tls?.Read(room) ?? Request.Receive(room, SocketFlags.None);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock && noticeAt != long.MaxValue && Environment.TickCount64 < driver.Deadline)
                {
                    // Woken for the notice (or just before it, by the clock's granularity): the deadline is still ahead.
                    server.LogStallIfDue(ClientAddress, driver, Environment.TickCount64);
                    continue;
                }

                driver.Received(received);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            server.LogConnectionTimeout(ClientAddress, driver);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            // The same deadline, surfacing through the TLS stream.
            server.LogConnectionTimeout(ClientAddress, driver);
        }
        catch (ConnectionDeadlinePassedException)
        {
            server.LogConnectionTimeout(ClientAddress, driver);
        }
        finally
        {
            driver.Release();
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

    // Sets the socket timeout of the next call to the time left before the deadline, or before an earlier
    // noticeAt (0 = wait forever), skipping setsockopt when it is unchanged, so an unbounded wait costs no system call.
    private void ApplyTimeout(ConnectionDriver driver, ref int applied, Action<System.Net.Sockets.Socket, int> apply, long noticeAt = long.MaxValue)
    {
        var left = driver.TimeLeft();
        if (left <= TimeSpan.Zero)
        {
            throw new ConnectionDeadlinePassedException();
        }

        if (noticeAt != long.MaxValue)
        {
            var untilNotice = TimeSpan.FromMilliseconds(Math.Max(0, noticeAt - Environment.TickCount64));
            left = left is { } beforeDeadline && beforeDeadline < untilNotice ? beforeDeadline : untilNotice;
        }

        var timeout = left is { } l ? (int)Math.Clamp(Math.Ceiling(l.TotalMilliseconds), 1, int.MaxValue) : 0;
        if (timeout != applied)
        {
            apply(Request, timeout);
            applied = timeout;
        }
    }

    private sealed class ConnectionDeadlinePassedException : Exception;
}
