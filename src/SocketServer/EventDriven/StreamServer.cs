using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SocketServer.Core;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>
/// What the event-driven servers share: the listener, bound in the constructor, the sessions, and the
/// <see cref="ServerCore"/> that admits, tracks and stops. Subclasses decide only how connections are served.
/// </summary>
/// <remarks>
/// The constructor binds and listens, and throws <see cref="SocketException"/> when it cannot. A model of your own
/// derives from it: accept from <see cref="ListenSocket"/> in <see cref="OnStart"/>, pass each connection to
/// <see cref="AdmitConnection"/> (the connection limit, tracking, the stop), serve it, and end it with
/// <see cref="ReleaseConnection"/>; <see cref="IServer.StopAsync"/>, <see cref="Abort"/> and the logs then work as on
/// every model. <see cref="EventLoopServer"/> is the one to derive from for a loop over a <see cref="Selectors.Selector"/> of your own.
/// </remarks>
public abstract class StreamServer : IServer
{
    private int _started;
    private int _disposed;

    /// <summary>Binds and listens on <paramref name="endPoint"/>.</summary>
    protected StreamServer(EndPoint endPoint, ISessionFactory sessions, ServerOptions? options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(sessions);
        Options = options ?? ServerOptions.Default;
        Sessions = sessions;
        Logger = logger ?? NullLogger.Instance;
        Core = new ServerCore(Options, Logger);
        ListenSocket = Listener.Listen(endPoint, Options.AllowReuseAddress, Options.AllowReusePort, Options.Backlog);
        LocalEndPoint = ListenSocket.LocalEndPoint!;
        Core.ListenerEndPoint = LocalEndPoint;
        Core.Publish(LocalEndPoint);
    }

    /// <inheritdoc />
    public EndPoint LocalEndPoint { get; }

    /// <inheritdoc />
    public int ActiveConnections => Core.Connections.Count;

    /// <summary>The settings the server was made with.</summary>
    public ServerOptions Options { get; }

    /// <summary>Creates each connection's session.</summary>
    protected ISessionFactory Sessions { get; }

    /// <summary>Where connection and error events go.</summary>
    protected ILogger Logger { get; }

    /// <summary>The listening socket.</summary>
    protected Socket ListenSocket { get; }

    private protected ServerCore Core { get; }

    /// <inheritdoc />
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Core.IsStopping, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The server is already serving.");
        }

        OnStart();
    }

    /// <inheritdoc />
    public async Task ServeForeverAsync(CancellationToken cancellationToken = default)
    {
        Start();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), cancelled))
        {
            await cancelled.Task.ConfigureAwait(false);
        }

        // What a stop does first; the clients still connected are served until a stop or an abort ends them.
        Core.BeginStopping();
        StopAccepting();
    }

    /// <inheritdoc />
    public Task StopAsync(TimeSpan drainTimeout, CancellationToken abortNow = default) =>
        Core.StopAsync(
            StopAccepting,
            async () =>
            {
                await WhenServingEndedAsync().ConfigureAwait(false);
                ListenSocket.Dispose();
            },
            drainTimeout,
            abortNow);

    /// <inheritdoc />
    public void Abort() => Dispose();

    /// <summary>
    /// Ends every connection at once and releases the server, as <see cref="Abort"/>: with no thread per client,
    /// nothing would serve them after. Safe to call more than once.
    /// </summary>
    public void Dispose()
    {
        // Subclasses release their own resources in Dispose(bool), so a second call would touch them after release:
        // the guard belongs here, where every subclass gets it.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Tracks a connection accepted from <see cref="ListenSocket"/> and returns its context, or refuses it and returns
    /// null: past <see cref="ServerOptions.MaxConnections"/> (sent <see cref="ServerOptions.RejectionReply"/>), or
    /// once a stop began. An admitted connection is ended with <see cref="ReleaseConnection"/>.
    /// </summary>
    protected ConnectionContext? AdmitConnection(Socket accepted)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        return Core.Admit(accepted);
    }

    /// <summary>Closes an admitted connection gracefully (FIN after the last reply) and forgets it.</summary>
    protected void ReleaseConnection(Socket connection, EndPoint client)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(client);
        Core.Release(connection, client);
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
            Core.BeginStopping();
            StopAccepting();
            Core.AbortAll();
            ListenSocket.Dispose();
        }
    }
}
