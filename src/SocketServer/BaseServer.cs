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
/// <see cref="UdpServer"/>. A request is taken from the socket (<see cref="GetRequest"/>), verified
/// (<see cref="VerifyRequest"/>), and processed (<see cref="ProcessRequest"/>): the concurrency model, an
/// <see cref="IRequestDispatcher"/>, runs <see cref="FinishRequest"/>, a fresh handler, then
/// <see cref="ShutdownRequest"/>. Every one of those hooks can be overridden, as in CPython.
/// </summary>
/// <remarks>
/// <para>Differences from CPython, on purpose: <see cref="ServeForever()"/> waits on a wake-up socket as
/// well as the listener, so <see cref="Shutdown"/> takes effect at once instead of after up to one poll interval;
/// <see cref="Shutdown"/> called when no loop runs returns at once instead of deadlocking.</para>
/// <para>Lifecycle (docs/SOCKETSERVER.md): <see cref="Dispose()"/> is CPython's <c>__exit__</c>, that is
/// <see cref="ServerClose"/>; <see cref="Abort"/> ends every connection first.</para>
/// <para>Threading: run <see cref="ServeForever()"/> or <see cref="HandleRequest"/> from one thread at a
/// time; <see cref="Shutdown"/>, <see cref="IServer.StopAsync"/>, <see cref="Abort"/> and <see cref="ServerClose"/>
/// from any other thread.</para>
/// <para>Ownership: the server owns its socket, the request sockets and the dispatcher; <see cref="ServerClose"/>
/// releases them once.</para>
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
    private readonly bool _logsErrors;
    private bool _allowReuseAddress;
    private bool _allowReusePort;
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
        _logsErrors = logger is not null;
        Options = options ?? ServerOptions.Default;
        _allowReuseAddress = Options.AllowReuseAddress;
        _allowReusePort = Options.AllowReusePort;
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

    /// <summary>
    /// Whether <see cref="ServerBind"/> sets SO_REUSEADDR, so a restarted server can bind a port that a connection
    /// of the one before still holds in TIME_WAIT (CPython's <c>allow_reuse_address</c>). False leaves it really
    /// off, and such a bind fails with "address already in use", as in CPython. From
    /// <see cref="ServerOptions.AllowReuseAddress"/>; set it before <see cref="ServerBind"/> (construct with
    /// <c>bindAndActivate: false</c>), after which setting it throws.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after the socket was bound.</exception>
    public bool AllowReuseAddress
    {
        get => _allowReuseAddress;
        set
        {
            if (Socket.IsBound)
            {
                throw new InvalidOperationException($"{nameof(AllowReuseAddress)} cannot change once the socket is bound; set it before ServerBind (bindAndActivate: false).");
            }

            _allowReuseAddress = value;
        }
    }

    /// <summary>
    /// Whether <see cref="ServerBind"/> sets SO_REUSEPORT, so several servers (processes) can bind one port and the
    /// kernel spreads clients among them (CPython's <c>allow_reuse_port</c>). From
    /// <see cref="ServerOptions.AllowReusePort"/>; set it before <see cref="ServerBind"/>, after which setting it throws.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after the socket was bound.</exception>
    public bool AllowReusePort
    {
        get => _allowReusePort;
        set
        {
            if (Socket.IsBound)
            {
                throw new InvalidOperationException($"{nameof(AllowReusePort)} cannot change once the socket is bound; set it before ServerBind (bindAndActivate: false).");
            }

            _allowReusePort = value;
        }
    }

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

    /// <summary>Handles requests until <see cref="Shutdown"/> is called, running <see cref="ServiceActions"/> at least every 0.5 s.</summary>
    public void ServeForever() => Serve(DefaultPollInterval, CancellationToken.None);

    /// <summary>
    /// Handles requests until <see cref="Shutdown"/> is called. <paramref name="pollInterval"/> is how often
    /// <see cref="ServiceActions"/> runs when idle; shutdown does not wait for it.
    /// </summary>
    public void ServeForever(TimeSpan pollInterval) => Serve(pollInterval, CancellationToken.None);

    /// <summary>
    /// Handles requests until <paramref name="cancellationToken"/> fires or <see cref="Shutdown"/> is called; then
    /// returns, as <see cref="Shutdown"/> makes it return: connections being handled go on.
    /// </summary>
    public void ServeForever(CancellationToken cancellationToken) => Serve(DefaultPollInterval, cancellationToken);

    /// <summary>
    /// Runs <see cref="ServeForever(CancellationToken)"/> on a thread of its own and completes when it returns, after
    /// <paramref name="cancellationToken"/> fires or <see cref="Shutdown"/> is called.
    /// </summary>
    public Task ServeForeverAsync(CancellationToken cancellationToken = default)
    {
        var served = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                ServeForever(cancellationToken);
                served.SetResult();
            }
            catch (Exception e)
            {
                served.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = $"serve-forever {ServerAddress}",
        };
        thread.Start();
        return served.Task;
    }

    private void Serve(TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        using var cancelled = cancellationToken.Register(static state =>
        {
            var server = (BaseServer)state!;
            server._shutdownRequest = true;
            server._wakeUp.Wake();
        }, this);
        var interval = pollInterval;
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
    /// Tells <see cref="ServeForever()"/> to stop and waits until it has. Must be called from another thread
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
    /// CPython's <c>server_close</c>: stops taking requests (a TCP server closes its listener), waits for the loop
    /// (and so, on the sequential server, for the request it is handling), closes the dispatcher, then releases the
    /// socket. Connections still open are served until they end: the pool finishes the requests queued, and the
    /// threading server with <see cref="ThreadPerRequestDispatcher.BlockOnClose"/> (the default, as CPython's
    /// <c>block_on_close</c>) waits for its request threads. <see cref="Abort"/> ends them first. Runs once.
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

    /// <summary>Ends every open connection at once, then <see cref="ServerClose"/>.</summary>
    public void Abort()
    {
        Core.BeginStopping();
        Core.AbortAll();
        ServerClose();
    }

    /// <summary>CPython's <c>__exit__</c>: <see cref="ServerClose"/>, which lets connections still open end first; see <see cref="Abort"/>.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Binds the socket to <see cref="ServerAddress"/> and records the real address (CPython's <c>server_bind</c>).</summary>
    public virtual void ServerBind()
    {
        if (AllowReuseAddress)
        {
            Listener.SetReuseAddress(Socket);
        }

        if (AllowReusePort)
        {
            Listener.SetReusePort(Socket);
        }

        Listener.Bind(Socket, ServerAddress);
        ServerAddress = Socket.LocalEndPoint!;
        Core.ListenerEndPoint = ServerAddress;
        Core.Publish(ServerAddress);

        // The loop selects before it reads; a request gone in between must not block it.
        Socket.Blocking = false;
    }

    /// <summary>Makes the bound socket ready for requests (CPython's <c>server_activate</c>); nothing for UDP.</summary>
    public virtual void ServerActivate()
    {
    }

    /// <summary>Takes the next request off the socket, an accept or a receive (CPython's <c>get_request</c>); null when there was none after all.</summary>
    protected abstract ServerRequest? GetRequest();

    /// <summary>Called for each request before it is handled; return false to refuse it (CPython's <c>verify_request</c>).</summary>
    protected virtual bool VerifyRequest(ServerRequest request) => true;

    /// <summary>
    /// Hands the request to the dispatcher, which runs <see cref="FinishRequest"/>, <see cref="HandleError"/> if
    /// that throws, then <see cref="ShutdownRequest"/> (CPython's <c>process_request</c>).
    /// </summary>
    protected virtual void ProcessRequest(ServerRequest request)
    {
        Dispatcher.Dispatch(() =>
        {
            try
            {
                FinishRequest(request);
            }
            catch (Exception e)
            {
                HandleError(request, e);
            }
            finally
            {
                ShutdownRequest(request);
            }
        });
    }

    /// <summary>Runs a new handler on the request (CPython's <c>finish_request</c>).</summary>
    protected virtual void FinishRequest(ServerRequest request) => _handlerFactory().Run(request with { Server = this, Aborted = Core.Aborted });

    /// <summary>Ends a request, then calls <see cref="CloseRequest"/> (CPython's <c>shutdown_request</c>); a TCP server half-closes the connection first.</summary>
    protected virtual void ShutdownRequest(ServerRequest request) => CloseRequest(request);

    /// <summary>Releases a request (CPython's <c>close_request</c>): a TCP server closes the connection; nothing for UDP.</summary>
    protected virtual void CloseRequest(ServerRequest request)
    {
    }

    /// <summary>
    /// Called when handling a request throws (CPython's <c>handle_error</c>); the server goes on. With a logger, logs
    /// the error with the client's address (a client that vanished at Debug); without one, writes the exception and
    /// the client's address to standard error, as CPython does.
    /// </summary>
    protected virtual void HandleError(ServerRequest request, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (_logsErrors)
        {
            Core.LogConnectionError(request.ClientAddress, exception);
            return;
        }

        var separator = new string('-', 40);
        Console.Error.Write($"{separator}\nException occurred during processing of request from {request.ClientAddress}\n{exception}\n{separator}\n");
    }

    /// <summary>Buffers lent to the connections of <see cref="Handlers.SessionStreamHandler"/> while they have bytes in flight.</summary>
    internal ConnectionBuffersPool Buffers { get; } = new(Environment.ProcessorCount * 4);

    /// <summary>What the server counts for its meter, for <see cref="Handlers.SessionStreamHandler"/>.</summary>
    internal ServerCounters CoreCounters => Core.Counters;


    /// <summary>Logs a connection closed for breaking its timeouts.</summary>
    internal void LogConnectionTimeout(EndPoint clientAddress, ConnectionDriver driver) => Core.LogTimedOut(clientAddress, driver);

    /// <summary>Logs a stall its session can explain, once per connection, when due.</summary>
    internal void LogStallIfDue(EndPoint clientAddress, ConnectionDriver driver, long now) => Core.LogStallIfDue(clientAddress, driver, now);

    /// <summary>Called by <see cref="HandleRequest"/> when <see cref="Timeout"/> passes with no request.</summary>
    protected virtual void HandleTimeout()
    {
    }

    /// <summary>Called once per <see cref="ServeForever()"/> iteration (at least once per poll interval).</summary>
    protected virtual void ServiceActions()
    {
    }

    /// <summary>
    /// Whether a request taken by <see cref="GetRequest"/> is served: not once a stop began, and only when
    /// <see cref="VerifyRequest"/> says so. A request refused is ended with <see cref="ShutdownRequest"/>.
    /// </summary>
    private protected virtual bool Admit(ref ServerRequest request)
    {
        if (!IsStopping && VerifyRequest(request))
        {
            return true;
        }

        ShutdownRequest(request);
        return false;
    }

    /// <summary>Stops taking new requests at once: a TCP server closes its listener; a UDP server keeps its socket, which its replies go out through.</summary>
    private protected virtual void StopAccepting()
    {
    }

    /// <summary>Releases the server with <see cref="ServerClose"/> when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            ServerClose();
        }
    }

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
            ProcessRequest(request);
        }
        catch (Exception e)
        {
            HandleError(request, e);
            ShutdownRequest(request);
        }
    }
}
