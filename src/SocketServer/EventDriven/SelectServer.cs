using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Internal;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>
/// The lab's select loop (exercises 3 and 4): one thread waits in <see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>
/// on the listener, every client and a wake-up socket, and serves whichever is ready. No locks, no
/// thread per client; a client is only as expensive as its buffers.
/// </summary>
/// <remarks>
/// <para>Back-pressure: a client whose replies are not yet sent is not read from until they are, so a
/// client that stops reading holds up only itself.</para>
/// <para>Cost: every iteration hands the whole socket list to the kernel (poll), so it suits a few hundred
/// connections; <see cref="AsyncServer"/> scales further.</para>
/// <para>No TLS: the loop does non-blocking socket I/O, and .NET offers TLS only as a stream
/// (<see cref="System.Net.Security.SslStream"/>) whose reads block or await, not as a state machine this loop
/// could feed. Use <see cref="AsyncServer"/> (or a blocking model) for TLS.</para>
/// <para>Threading: all sessions run on the loop's thread; <see cref="IServer.StopAsync"/> may be called
/// from any thread and reaches the loop through the wake-up socket, never by polling.</para>
/// </remarks>
public sealed class SelectServer : LoopServer
{
    private const int AcceptsPerIteration = 64;

    private readonly Dictionary<Socket, SelectClient> _clients = [];
    private readonly List<SelectClient> _served = [];
    private long _acceptPausedUntil;
    private bool _listenerClosed;

    /// <summary>Binds and listens; call <see cref="IServer.Start"/> to begin serving.</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for TLS, which this loop cannot offer.</exception>
    public SelectServer(EndPoint endPoint, ISessionFactory sessions, ServerOptions? options = null, ILogger? logger = null)
        : base(endPoint, sessions, RefuseTls(options), logger, "select-loop")
    {
    }

    private static ServerOptions? RefuseTls(ServerOptions? options) => options?.Tls is null
        ? options
        : throw new ArgumentException("SelectServer cannot serve TLS: its loop does non-blocking socket I/O and .NET has no non-blocking TLS; use AsyncServer.", nameof(options));

    private protected override void Run()
    {
        var readable = new List<Socket>();
        var writable = new List<Socket>();
        try
        {
            while (true)
            {
                if (StopRequested && !_listenerClosed)
                {
                    _listenerClosed = true;
                }

                if (_listenerClosed && _clients.Count == 0)
                {
                    return;
                }

                readable.Clear();
                writable.Clear();
                readable.Add(WakeUp.Socket);
                var accepting = !_listenerClosed && Environment.TickCount64 >= _acceptPausedUntil;
                if (accepting)
                {
                    readable.Add(ListenSocket);
                }

                foreach (var client in _clients.Values)
                {
                    (client.WantsToWrite ? writable : readable).Add(client.Socket);
                }

                try
                {
                    Socket.Select(readable, writable, null, WaitMicroseconds(accepting));
                }
                catch (ObjectDisposedException) when (StopRequested)
                {
                    // StopAccepting closed the listener between the check above and the select: look again.
                    continue;
                }

                foreach (var socket in readable)
                {
                    if (socket == WakeUp.Socket)
                    {
                        WakeUp.Drain();
                    }
                    else if (socket == ListenSocket)
                    {
                        AcceptPending();
                    }
                    else if (_clients.TryGetValue(socket, out var client) && Serve(client, static c => { c.OnReadable(); return true; }))
                    {
                        _served.Add(client);
                    }
                }

                // Replies go out once every ready client was read, as Redis sends them before it sleeps: a client
                // process with many connections (a load generator, a pool) then wakes once for many replies.
                foreach (var client in _served)
                {
                    Serve(client, static c => c.OnWritable());
                }

                _served.Clear();
                foreach (var socket in writable)
                {
                    if (_clients.TryGetValue(socket, out var client))
                    {
                        Serve(client, static c => c.OnWritable());
                    }
                }

                if (SweepDue())
                {
                    CloseExpired();
                }
            }
        }
        catch (Exception e)
        {
            Logger.LogCritical(e, "The select loop failed; closing every connection");
            foreach (var client in _clients.Values.ToArray())
            {
                Close(client);
            }
        }
    }

    // Until the next deadline sweep (when bounds are set) or the end of an accept pause; forever when neither applies.
    private int WaitMicroseconds(bool accepting)
    {
        var until = Sweeps ? NextSweep : long.MaxValue;
        if (!_listenerClosed && !accepting)
        {
            until = Math.Min(until, _acceptPausedUntil);
        }

        return until == long.MaxValue ? -1 : (int)Math.Clamp((until - Environment.TickCount64) * 1000, 0, int.MaxValue);
    }

    private void AcceptPending()
    {
        if (AcceptQueued(AcceptsPerIteration, AcceptBackoff, Watch) is { } failure)
        {
            BackOff(failure);
        }
    }

    private void Watch(Socket accepted, ConnectionContext connection) =>
        _clients.Add(accepted, new SelectClient(accepted, Sessions.CreateSession(connection), connection, Options.Timeouts));

    private void BackOff(SocketException failure)
    {
        AcceptBackoff.Failed(failure);
        _acceptPausedUntil = Environment.TickCount64 + (long)AcceptBackoff.Pause.TotalMilliseconds;
    }

    // True when the client is still open afterwards.
    private bool Serve(SelectClient client, Func<SelectClient, bool> step)
    {
        bool keepOpen;
        try
        {
            keepOpen = step(client);
        }
        catch (Exception e)
        {
            LogConnectionError(client.Connection, e);
            keepOpen = false;
        }

        if (!keepOpen)
        {
            Close(client);
        }

        return keepOpen;
    }

    private void CloseExpired()
    {
        List<SelectClient>? expired = null;
        foreach (var client in _clients.Values)
        {
            if (client.Clock.Remaining() <= TimeSpan.Zero)
            {
                (expired ??= []).Add(client);
            }
        }

        foreach (var client in expired ?? [])
        {
            LogConnectionTimeout(client.Connection, client.Clock);
            Close(client);
        }
    }

    private void Close(SelectClient client)
    {
        _clients.Remove(client.Socket);
        Release(client.Socket, client.Connection);
    }
}
