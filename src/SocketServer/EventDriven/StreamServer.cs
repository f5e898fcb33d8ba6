using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SocketServer.Connections;
using SocketServer.Internal;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>
/// What the event-driven servers share: the listener, the connection set with its limit, and the
/// once-only stop. Subclasses decide only how connections are served.
/// </summary>
/// <remarks>The constructor binds and listens, and throws <see cref="SocketException"/> when it cannot.</remarks>
public abstract class StreamServer : IServer
{
    private readonly Lock _lifecycleLock = new();

    // Every connection's local address when the listener is bound to one address: asking each accepted socket
    // would cost a getsockname and three objects per connection, kept as long as it is open.
    private readonly EndPoint? _connectionsLocalEndPoint;
    private Task? _stopTask;
    private int _started;
    private bool _stopping;
    private int _disposed;

    /// <summary>Binds and listens on <paramref name="endPoint"/>.</summary>
    protected StreamServer(EndPoint endPoint, ISessionFactory sessions, ServerOptions? options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(sessions);
        Options = options ?? ServerOptions.Default;
        Sessions = sessions;
        Logger = logger ?? NullLogger.Instance;
        ListenSocket = Listener.Listen(endPoint, Options.AllowReuseAddress, Options.Backlog);
        LocalEndPoint = ListenSocket.LocalEndPoint!;
        _connectionsLocalEndPoint = LocalEndPoint is IPEndPoint { Address: var address } && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? LocalEndPoint
            : null;
    }

    /// <inheritdoc />
    public EndPoint LocalEndPoint { get; }

    /// <inheritdoc />
    public int ActiveConnections => Connections.Count;

    /// <summary>The settings the server was made with.</summary>
    protected ServerOptions Options { get; }

    /// <summary>Creates each connection's session.</summary>
    protected ISessionFactory Sessions { get; }

    /// <summary>Where connection and error events go.</summary>
    protected ILogger Logger { get; }

    /// <summary>The listening socket.</summary>
    protected Socket ListenSocket { get; }

    /// <summary>True once <see cref="StopAsync"/> began.</summary>
    protected bool IsStopping
    {
        get => Volatile.Read(ref _stopping);
        private set => Volatile.Write(ref _stopping, value);
    }

    private protected ConnectionTracker Connections { get; } = new();

    /// <inheritdoc />
    public void Start()
    {
        ObjectDisposedException.ThrowIf(IsStopping, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The server is already serving.");
        }

        OnStart();
    }

    /// <inheritdoc />
    public Task StopAsync(TimeSpan drainTimeout, CancellationToken abortNow = default)
    {
        lock (_lifecycleLock)
        {
            IsStopping = true;
            return _stopTask ??= StopOnceAsync(drainTimeout, abortNow);
        }
    }

    /// <summary>Aborts every connection and releases the server at once. Safe to call more than once.</summary>
    public void Dispose()
    {
        // Subclasses release their own resources in Dispose(bool) (AsyncServer's token source, say), so a
        // second call would touch them after release: the guard belongs here, where every subclass gets it.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Begins serving; called once by <see cref="Start"/>.</summary>
    protected abstract void OnStart();

    /// <summary>Stops accepting new connections at once.</summary>
    protected abstract void StopAccepting();

    /// <summary>Completes when the serving loop(s) and every connection have ended.</summary>
    protected abstract Task WhenServingEndedAsync();

    /// <summary>Releases the server; when <paramref name="disposing"/>, connections are aborted first.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            IsStopping = true;
            StopAccepting();
            Connections.AbortAll();
            ListenSocket.Dispose();
        }
    }

    /// <summary>
    /// Registers an accepted connection, or refuses it when the limit is reached (sending
    /// <see cref="ServerOptions.RejectionReply"/> and closing it). Returns its context when admitted.
    /// </summary>
    private protected ConnectionContext? Admit(Socket accepted)
    {
        var id = Connections.Add(accepted);
        var remote = accepted.RemoteEndPoint!;
        if (IsStopping)
        {
            // Accepted as the stop began. Registered first and checked second, so a stop that set the flag before
            // aborting the open connections either sees this one or is seen here: none escapes the abort.
            SocketClose.Gracefully(accepted);
            Connections.Remove(accepted);
            return null;
        }

        if (Connections.Count > Options.MaxConnections)
        {
            Logger.LogWarning("Refused {Client}: {Limit} connections already open", remote, Options.MaxConnections);
            SocketClose.Reject(accepted, RejectionBytes);
            Connections.Remove(accepted);
            return null;
        }

        Logger.LogInformation("Client {Client} connected (connection {ConnectionId})", remote, id);
        return new ConnectionContext(id, remote, _connectionsLocalEndPoint ?? accepted.LocalEndPoint!, TransportKind.Stream);
    }

    /// <summary>
    /// For the single-threaded loops (select, epoll): accepts what the non-blocking listener has queued, at most
    /// <paramref name="limit"/>, admits each and hands it, non-blocking, to <paramref name="serve"/>.
    /// </summary>
    /// <returns>The failure that should pause accepting (out of descriptors, say), or null.</returns>
    private protected SocketException? AcceptQueued(int limit, AcceptBackoff backoff, Action<Socket, ConnectionContext> serve)
    {
        for (var i = 0; i < limit; i++)
        {
            Socket accepted;
            try
            {
                accepted = ListenSocket.Accept();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                return null;
            }
            catch (Exception e) when (IsStopping && e is ObjectDisposedException or SocketException)
            {
                // The listener was closed by StopAccepting while the loop found it ready.
                return null;
            }
            catch (SocketException e)
            {
                return e;
            }

            if (DescriptorReserve.IsReserved(accepted))
            {
                SocketClose.Reject(accepted, RejectionBytes);
                return DescriptorReserve.Exhausted();
            }

            backoff.Succeeded();
            accepted.Blocking = false;
            accepted.NoDelay = true;
            if (Admit(accepted) is { } connection)
            {
                serve(accepted, connection);
            }
        }

        return null;
    }

    // The refusal goes out before any TLS handshake, where a TLS client could not read it.
    private protected ReadOnlySpan<byte> RejectionBytes => Options.Tls is null ? Options.RejectionReply.Span : default;

    /// <summary>Closes an admitted connection and forgets it.</summary>
    private protected void Release(Socket socket, ConnectionContext connection)
    {
        SocketClose.Gracefully(socket);
        Connections.Remove(socket);
        Logger.LogInformation("Client {Client} disconnected", connection.RemoteEndPoint);
    }

    /// <summary>Logs a connection closed for breaking its timeouts.</summary>
    private protected void LogConnectionTimeout(ConnectionContext connection, ConnectionDriver driver) =>
        Logger.LogInformation("Closing {Client}: it {Reason} for {Seconds} s", connection.RemoteEndPoint, driver.DeadlineReason, driver.DeadlineBound.TotalSeconds);

    /// <summary>Logs a connection's failure at the level it deserves: a vanished peer is not a server error.</summary>
    private protected void LogConnectionError(ConnectionContext connection, Exception exception)
    {
        if (SocketErrors.IsPeerGone(exception))
        {
            Logger.LogDebug("Connection from {Client} ended abruptly: {Reason}", connection.RemoteEndPoint, exception.Message);
        }
        else
        {
            Logger.LogError(exception, "Error while serving {Client}", connection.RemoteEndPoint);
        }
    }

    private async Task StopOnceAsync(TimeSpan drainTimeout, CancellationToken abortNow)
    {
        StopAccepting();
        using (var drain = CancellationTokenSource.CreateLinkedTokenSource(abortNow))
        {
            drain.CancelAfter(drainTimeout);
            try
            {
                await Connections.WaitUntilEmptyAsync(drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Logger.LogWarning("Closing {Count} connection(s) still open after the drain time", ActiveConnections);
                Connections.AbortAll();
            }
        }

        await WhenServingEndedAsync().ConfigureAwait(false);
        ListenSocket.Dispose();
    }
}
