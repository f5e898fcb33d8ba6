using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Connections;
using SocketServer.Core;
using SocketServer.Handlers;
using SocketServer.Internal;
using SocketServer.Sessions;
using SocketServer.Tls;

namespace SocketServer.EventDriven;

/// <summary>
/// What .NET offers beyond the lab: async sockets. No thread is held by an idle or waiting connection; work runs as
/// bytes arrive, on the thread that saw them come (one per processor). The default model of the service.
/// </summary>
/// <remarks>
/// <para>On plain TCP a connection waits for bytes without a buffer: on Linux in our own edge-triggered epoll
/// (<see cref="ReadinessReactors"/> says why), elsewhere with a zero-byte receive. Then its
/// <see cref="Connections.ConnectionDriver"/> borrows buffers from a pool shared by the server; the connection
/// receives and sends with non-blocking calls, and awaits only a send the client is not taking.</para>
/// <para>With <see cref="ServerOptions.Tls"/>, each connection first completes the TLS handshake within
/// <see cref="ServerTlsOptions.HandshakeTimeout"/>, then reads and writes the TLS stream asynchronously; a failed
/// handshake is logged at Debug and the connection closed.</para>
/// <para>Handlers: built with a handler factory, the server runs a <see cref="BaseRequestHandler"/> on each
/// connection instead of a session: <see cref="BaseRequestHandler.Setup"/>, then it awaits
/// <see cref="BaseRequestHandler.HandleAsync"/>, then <see cref="BaseRequestHandler.Finish"/>, and closes the connection
/// gracefully. No thread is held while the handler awaits; a handler that overrides only
/// <see cref="BaseRequestHandler.Handle"/> holds a thread-pool thread for its whole connection. The connection limit,
/// the drain and the abort apply as to sessions; <see cref="ServerOptions.IdleTimeout"/> and
/// <see cref="ServerOptions.StallTimeout"/> do not (a <see cref="StreamRequestHandler"/> has its own
/// <see cref="StreamRequestHandler.Timeout"/>). A handler that throws ends only its connection, logged with the client's
/// address. <see cref="BaseRequestHandler.Server"/> is this server.</para>
/// <para>Threading: one connection's session runs on one thread at a time.</para>
/// </remarks>
public sealed partial class AsyncServer : StreamServer
{
    // Enough for every thread that serves connections to have a few mid-message; more are made on demand.
    private static readonly int SpareBuffers = Environment.ProcessorCount * 16;

    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly DeadlineSweeper? _deadlines;

    // Lent to the connections with bytes in flight.
    private readonly ConnectionBuffersPool _buffers = new(SpareBuffers);

    // Linux, plain TCP: connections wait for bytes in our own epoll instead of .NET's engine (ReadinessReactors says why).
    private readonly ReadinessReactors? _readiness;

    // Set when the server runs handlers instead of sessions.
    private readonly Func<BaseRequestHandler>? _handlerFactory;
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>Binds and listens; call <see cref="IServer.Start"/> to begin serving.</summary>
    public AsyncServer(EndPoint endPoint, ISessionFactory sessions, ServerOptions? options = null, ILogger? logger = null)
        : this(endPoint, sessions, handlerFactory: null, options, logger)
    {
    }

    /// <summary>
    /// Binds and listens, to run a new handler from <paramref name="handlerFactory"/> on every connection (see
    /// "Handlers" in the remarks); call <see cref="IServer.Start"/> to begin serving.
    /// </summary>
    public AsyncServer(EndPoint endPoint, Func<BaseRequestHandler> handlerFactory, ServerOptions? options = null, ILogger? logger = null)
        : this(endPoint, HandlersInsteadOfSessions.Instance, handlerFactory ?? throw new ArgumentNullException(nameof(handlerFactory)), options, logger)
    {
    }

    private AsyncServer(EndPoint endPoint, ISessionFactory sessions, Func<BaseRequestHandler>? handlerFactory, ServerOptions? options, ILogger? logger)
        : base(endPoint, sessions, options, logger)
    {
        _handlerFactory = handlerFactory;

        // A handler reads and writes its own stream, bounded by its own timeout: no reactor, no sweeper.
        if (handlerFactory is not null)
        {
            return;
        }

        if (OperatingSystem.IsLinux() && Options.Tls is null)
        {
            _readiness = new ReadinessReactors(Logger);
        }

        if (Options.IdleTimeout > TimeSpan.Zero || Options.StallTimeout > TimeSpan.Zero)
        {
            _deadlines = new DeadlineSweeper();
        }
    }

    /// <inheritdoc />
    protected override void OnStart() => _acceptLoop = Task.Run(AcceptLoopAsync);

    /// <inheritdoc />
    protected override void StopAccepting()
    {
        _stopAccepting.Cancel();

        // Closing the listener refuses queued and new connections at once.
        ListenSocket.Dispose();
    }

    /// <inheritdoc />
    protected override async Task WhenServingEndedAsync()
    {
        await _acceptLoop.ConfigureAwait(false);
        await Core.Connections.WaitUntilEmptyAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _stopAccepting.Dispose();
            _deadlines?.Dispose();
            _readiness?.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopAccepting.Token;
        while (!token.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await ListenSocket.AcceptAsync(token).ConfigureAwait(false);
                Core.ThrowIfReserved(accepted);
            }
            catch (Exception e) when (token.IsCancellationRequested || e is ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (!await BackOffAsync(e, token).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            Core.Backoff.Succeeded();
            Listener.DisableNagle(accepted);
            if (Core.Admit(accepted) is not { } connection)
            {
                continue;
            }

            if (_handlerFactory is not null)
            {
                _ = Task.Run(() => ServeHandlerAsync(accepted, connection), CancellationToken.None);
                continue;
            }

            ISession session;
            try
            {
                session = Sessions.CreateSession(connection);
            }
            catch (Exception e)
            {
                Logger.ConnectionError(connection.RemoteEndPoint, e);
                Core.Release(accepted, connection.RemoteEndPoint);
                continue;
            }

            new Connection(this, accepted, connection, session).Start();
        }
    }

    // False when the server stopped meanwhile.
    private async Task<bool> BackOffAsync(SocketException failure, CancellationToken token)
    {
        Core.Backoff.Failed(failure);
        try
        {
            await Task.Delay(AcceptBackoff.Pause, token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // Ends a connection's pending I/O at once, whatever it waits for.
    private static void Abort(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }
}
