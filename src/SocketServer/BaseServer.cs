using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SocketServer.Connections;
using SocketServer.Dispatch;
using SocketServer.Handlers;
using SocketServer.Core;
using SocketServer.Internal;
using SocketServer.Selectors;

namespace SocketServer;

/// <summary>
/// CPython's <c>socketserver.BaseServer</c>: the request loop shared by <see cref="TcpServer"/> and
/// <see cref="UdpServer"/>. A request is taken from the socket, verified, and handed to the
/// <see cref="IRequestDispatcher"/> (the concurrency model), which runs a fresh handler on it.
/// </summary>
/// <remarks>
/// <para>Differences from CPython, on purpose: <see cref="ServeForever"/> waits on a wake-up socket as well
/// as the listener, so <see cref="Shutdown"/> takes effect at once instead of after up to one poll interval;
/// <see cref="Shutdown"/> called when no loop runs returns at once instead of deadlocking.</para>
/// <para>Threading: run <see cref="ServeForever"/> or <see cref="HandleRequest"/> from one thread at a time;
/// <see cref="Shutdown"/>, <see cref="IServer.StopAsync"/> and <see cref="ServerClose"/> from any other thread.</para>
/// <para>Ownership: the server owns its socket, the request sockets and the dispatcher; <see cref="ServerClose"/>
/// (or <see cref="Dispose()"/>) releases them once.</para>
/// </remarks>
public abstract class BaseServer : IServer
{
    private static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(0.5);
    private const ulong WakeUpToken = 0;
    private const ulong RequestToken = 1;

    private readonly Func<BaseRequestHandler> _handlerFactory;
    private readonly WakeUpSocket _wakeUp = new();
    private readonly ManualResetEventSlim _isShutDown = new(initialState: true);
    private readonly Lock _lifecycleLock = new();
    private volatile bool _shutdownRequest;
    private volatile Thread? _loopThread;
    private int _closed;
    private long _acceptPausedUntil;

    /// <summary>Creates the server's socket; subclasses bind it.</summary>
    /// <param name="serverAddress">The address to bind; port 0 picks a free port.</param>
    /// <param name="handlerFactory">Creates a new handler for every request (CPython passes the class).</param>
    /// <param name="socket">The unbound socket; owned by the server from now on.</param>
    /// <param name="dispatcher">The concurrency model; owned by the server from now on.</param>
    /// <param name="logger">Where connection and error events go; nothing is logged when null.</param>
    /// <param name="options">The server's settings; <see cref="ServerOptions.Default"/> when null.</param>
    protected BaseServer(EndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, Socket socket, IRequestDispatcher dispatcher, ILogger? logger, ServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(serverAddress);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(dispatcher);
        ServerAddress = serverAddress;
        _handlerFactory = handlerFactory;
        Socket = socket;
        Dispatcher = dispatcher;
        Logger = logger ?? NullLogger.Instance;
        Options = options ?? ServerOptions.Default;
        Core = new ServerCore(Options, Logger);
    }

    /// <summary>The address asked for, replaced by the real one once bound (CPython's <c>server_address</c>).</summary>
    public EndPoint ServerAddress { get; protected set; }

    /// <inheritdoc />
    public EndPoint LocalEndPoint => ServerAddress;

    /// <summary>The listening (TCP) or receiving (UDP) socket (CPython's <c>socket</c>).</summary>
    public Socket Socket { get; }

    /// <summary>How long <see cref="HandleRequest"/> waits for a request before calling <see cref="HandleTimeout"/>; null waits forever.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <inheritdoc />
    public int ActiveConnections => Core.Connections.Count;

    /// <summary>The settings the server was made with.</summary>
    public ServerOptions Options { get; }

    /// <summary>The concurrency model requests are dispatched to.</summary>
    protected IRequestDispatcher Dispatcher { get; }

    /// <summary>Where connection and error events go.</summary>
    protected ILogger Logger { get; }

    /// <summary>True once a stop began: the loop must not start again and socket errors are expected.</summary>
    protected bool IsStopping => Core.IsStopping;

    /// <summary>Admission, tracking and the stop, shared with every other model.</summary>
    private protected ServerCore Core { get; }

    /// <summary>
    /// Handles requests until <see cref="Shutdown"/> is called. <paramref name="pollInterval"/> (default 0.5 s)
    /// is how often <see cref="ServiceActions"/> runs when idle; shutdown does not wait for it.
    /// </summary>
    public void ServeForever(TimeSpan? pollInterval = null)
    {
        var interval = pollInterval ?? DefaultPollInterval;
        if (interval < TimeSpan.Zero)
        {
            interval = TimeSpan.Zero;
        }

        _isShutDown.Reset();
        _loopThread = Thread.CurrentThread;
        using var selector = new SocketSelector();
        var ready = new SelectorEvent[2];
        var watchingSocket = false;
        try
        {
            selector.Register(_wakeUp.Socket, SelectorEvents.Read, WakeUpToken);
            while (!_shutdownRequest && !IsStopping)
            {
                // After a failed accept the socket stays readable: it is not watched until the pause is over.
                var pause = TimeSpan.FromMilliseconds(_acceptPausedUntil - Environment.TickCount64);
                if (pause <= TimeSpan.Zero != watchingSocket)
                {
                    watchingSocket = !watchingSocket;
                    if (watchingSocket)
                    {
                        selector.Register(Socket, SelectorEvents.Read, RequestToken);
                    }
                    else
                    {
                        selector.Unregister(Socket);
                    }
                }

                int count;
                try
                {
                    count = selector.Select(ready, watchingSocket || pause > interval ? interval : pause);
                }
                catch (Exception e) when (IsStopping && e is ObjectDisposedException or SocketException)
                {
                    break;
                }

                if (_shutdownRequest || IsStopping)
                {
                    break;
                }

                for (var i = 0; i < count; i++)
                {
                    if (ready[i].Token == WakeUpToken)
                    {
                        _wakeUp.Drain();
                    }
                    else
                    {
                        HandleRequestNoBlock();
                    }
                }

                ServiceActions();
            }
        }
        finally
        {
            _shutdownRequest = false;
            _loopThread = null;
            _isShutDown.Set();
        }
    }

    /// <summary>
    /// Tells <see cref="ServeForever"/> to stop and waits until it has. Must be called from another thread
    /// (calling it from the loop's own thread would wait forever, so it throws instead).
    /// Connections already being handled go on; see <see cref="IServer.StopAsync"/> to drain them.
    /// </summary>
    public void Shutdown()
    {
        if (_loopThread == Thread.CurrentThread)
        {
            throw new InvalidOperationException("Shutdown was called from the thread running ServeForever; it would wait for itself forever.");
        }

        _shutdownRequest = true;
        _wakeUp.Wake();
        _isShutDown.Wait();
    }

    /// <summary>
    /// Waits for and handles one request. When <see cref="Timeout"/> passes first, calls
    /// <see cref="HandleTimeout"/> instead.
    /// </summary>
    public void HandleRequest()
    {
        var deadline = Timeout is { } timeout ? Environment.TickCount64 + (long)timeout.TotalMilliseconds : (long?)null;
        using var selector = new SocketSelector();
        selector.Register(Socket, SelectorEvents.Read, RequestToken);
        var ready = new SelectorEvent[1];
        while (true)
        {
            var remaining = deadline is { } d ? TimeSpan.FromMilliseconds(d - Environment.TickCount64) : (TimeSpan?)null;
            if (remaining < TimeSpan.Zero)
            {
                HandleTimeout();
                return;
            }

            if (selector.Select(ready, remaining) > 0)
            {
                HandleRequestNoBlock();
                return;
            }
        }
    }

    /// <summary>
    /// Stops taking requests (a TCP server closes its listener), waits for the loop, closes the dispatcher
    /// (which, for the threading model with <see cref="ThreadPerRequestDispatcher.BlockOnClose"/>, waits for
    /// request threads), then releases the socket. Runs once.
    /// </summary>
    public virtual void ServerClose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        Core.BeginStopping();
        _wakeUp.Wake();

        // TCP closes its listener here, refusing new connections at once. UDP keeps its socket until the
        // handlers in progress are done: it is the socket their replies go out through.
        StopAccepting();
        if (_loopThread is { } loop && loop != Thread.CurrentThread)
        {
            _isShutDown.Wait();
        }

        Dispatcher.Close();
        Dispatcher.Dispose();
        Socket.Dispose();
        _wakeUp.Dispose();
    }

    /// <inheritdoc />
    public void Start()
    {
        lock (_lifecycleLock)
        {
            ObjectDisposedException.ThrowIf(IsStopping, this);
            if (_loopThread is not null || !_isShutDown.IsSet)
            {
                throw new InvalidOperationException("The server is already serving.");
            }

            // ServeForever resets the event and records its thread itself; doing both here first means a stop or
            // Dispose right after Start waits for the loop instead of racing past it (and disposing the event
            // the loop is about to reset).
            _isShutDown.Reset();
            var thread = new Thread(() => ServeForever())
            {
                IsBackground = true,
                Name = $"serve-forever {ServerAddress}",
            };
            _loopThread = thread;
            thread.Start();
        }
    }

    /// <inheritdoc />
    public Task StopAsync(TimeSpan drainTimeout, CancellationToken abortNow = default) =>
        Core.StopAsync(
            () =>
            {
                _wakeUp.Wake();
                StopAccepting();
            },
            // ServerClose joins the loop and, for the threading model, the request threads: not on the caller's thread.
            () => Task.Run(ServerClose, CancellationToken.None),
            drainTimeout,
            abortNow);

    /// <summary>Aborts every connection and releases the server at once.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Called for each request before it is handled; return false to refuse it (CPython's <c>verify_request</c>).</summary>
    protected virtual bool VerifyRequest(Socket request, EndPoint clientAddress) => true;

    /// <summary>Hands the request to the dispatcher, which runs <see cref="FinishRequest"/> then <see cref="ShutdownRequest"/>.</summary>
    protected virtual void ProcessRequest(Socket request, EndPoint clientAddress, long requestId, ReadOnlyMemory<byte> datagram)
    {
        Dispatcher.Dispatch(() =>
        {
            try
            {
                FinishRequest(new ServerRequest(this, request, clientAddress, requestId, datagram));
            }
            catch (Exception e)
            {
                HandleError(request, clientAddress, e);
            }
            finally
            {
                ShutdownRequest(request, clientAddress);
            }
        });
    }

    /// <summary>Called when a handler throws: logs the error with the client's address; the server goes on.</summary>
    protected virtual void HandleError(Socket request, EndPoint clientAddress, Exception exception) => Logger.ConnectionError(clientAddress, exception);

    /// <summary>Buffers lent to the connections of <see cref="Handlers.SessionStreamHandler"/> while they have bytes in flight.</summary>
    internal ConnectionBuffersPool Buffers { get; } = new(Environment.ProcessorCount * 4);

    /// <summary>Fires when the server aborts its connections: the token a handler's <see cref="BaseRequestHandler.HandleAsync"/> gets.</summary>
    internal CancellationToken ConnectionsAborted => Core.Aborted;

    /// <summary>Logs a connection closed for breaking its timeouts.</summary>
    internal void LogConnectionTimeout(EndPoint clientAddress, ConnectionDriver driver) => Core.LogTimedOut(clientAddress, driver);

    /// <summary>Called by <see cref="HandleRequest"/> when <see cref="Timeout"/> passes with no request.</summary>
    protected virtual void HandleTimeout()
    {
    }

    /// <summary>Called once per <see cref="ServeForever"/> iteration (at least once per poll interval).</summary>
    protected virtual void ServiceActions()
    {
    }

    /// <summary>Takes the next request off the socket (accept or receive); null when there was none after all.</summary>
    private protected abstract ServerRequest? GetRequest();

    /// <summary>
    /// Whether a request taken by <see cref="GetRequest"/> is served: not once a stop began, and only when
    /// <see cref="VerifyRequest"/> says so. A request refused is ended with <see cref="ShutdownRequest"/>.
    /// </summary>
    private protected virtual bool Admit(ref ServerRequest request)
    {
        if (!IsStopping && VerifyRequest(request.Socket, request.ClientAddress))
        {
            return true;
        }

        ShutdownRequest(request.Socket, request.ClientAddress);
        return false;
    }

    /// <summary>Ends a request: for TCP, half-closes and closes the connection; for UDP, nothing.</summary>
    private protected abstract void ShutdownRequest(Socket request, EndPoint clientAddress);

    /// <summary>Stops taking new requests at once (TCP closes its listener).</summary>
    private protected abstract void StopAccepting();

    /// <summary>Releases the server; when <paramref name="disposing"/>, connections are aborted first.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Core.BeginStopping();
            Core.AbortAll();
            ServerClose();
            _isShutDown.Dispose();
        }
    }

    /// <summary>Runs a new handler on the request (CPython's <c>finish_request</c>).</summary>
    private protected virtual void FinishRequest(in ServerRequest request) => _handlerFactory().Run(request);

    private void HandleRequestNoBlock()
    {
        ServerRequest? next;
        try
        {
            next = GetRequest();
        }
        catch (ObjectDisposedException) when (IsStopping)
        {
            return;
        }
        catch (SocketException e) when (!IsStopping)
        {
            // Out of descriptors, say: the listener stays readable, so pause instead of spinning.
            Core.Backoff.Failed(e);
            _acceptPausedUntil = Environment.TickCount64 + (long)AcceptBackoff.Pause.TotalMilliseconds;
            return;
        }
        catch (SocketException)
        {
            return;
        }

        if (next is not { } request)
        {
            return;
        }

        Core.Backoff.Succeeded();
        if (!Admit(ref request))
        {
            return;
        }

        try
        {
            ProcessRequest(request.Socket, request.ClientAddress, request.Id, request.Datagram);
        }
        catch (Exception e)
        {
            HandleError(request.Socket, request.ClientAddress, e);
            ShutdownRequest(request.Socket, request.ClientAddress);
        }
    }
}
