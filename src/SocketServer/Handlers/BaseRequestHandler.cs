using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace SocketServer.Handlers;

/// <summary>
/// One request's handler, as CPython's <c>socketserver.BaseRequestHandler</c>: the server creates a new
/// instance for every request (a TCP connection or a UDP datagram) and calls
/// <see cref="Setup"/> → <see cref="Handle"/> (or <see cref="HandleAsync"/>) → <see cref="Finish"/>;
/// <see cref="Finish"/> runs even when the handling throws.
/// </summary>
/// <remarks>
/// <para>Override <see cref="Handle"/> or <see cref="HandleAsync"/>; either runs on every model that runs handlers
/// (<see cref="ServerModels.SupportsHandlers"/>). The blocking models (<see cref="TcpServer"/> and its dispatchers,
/// <see cref="UdpServer"/>) call <see cref="Handle"/>, whose default waits for <see cref="HandleAsync"/>;
/// <see cref="EventDriven.AsyncServer"/> awaits <see cref="HandleAsync"/>, whose default runs <see cref="Handle"/> on
/// a thread-pool thread, held for the whole request. Overriding neither throws
/// <see cref="InvalidOperationException"/> when the request is handled.</para>
/// <para>Threading: an instance serves one request and is used by one thread at a time. On the async model its
/// steps may run on different thread-pool threads, one after another.</para>
/// <para>Ownership: the server owns <see cref="Request"/> and closes it after <see cref="Finish"/>; a handler
/// must not dispose it (it may shut it down to signal the peer).</para>
/// </remarks>
public abstract class BaseRequestHandler
{
    private IServer? _server;
    private CancellationToken _aborted;

    // Set while a default of Handle or HandleAsync runs, so the other default can tell that neither was overridden.
    private bool _inDefaultHandle;

    /// <summary>
    /// For TCP the connected socket (CPython's <c>self.request</c>, and <c>self.connection</c> of its
    /// <c>StreamRequestHandler</c>); for UDP the server's socket, which replies go out through (CPython's
    /// <c>self.request[1]</c>).
    /// </summary>
    public Socket Request { get; private set; } = null!;

    /// <summary>The client's address (CPython's <c>self.client_address</c>).</summary>
    public EndPoint ClientAddress { get; private set; } = null!;

    /// <summary>The server that accepted the request (CPython's <c>self.server</c>): cast it to your own server's type to reach its members.</summary>
    /// <exception cref="InvalidOperationException">Read before the server handed the handler a request.</exception>
    public IServer Server => _server ?? throw new InvalidOperationException("Server is set when the server runs the handler on a request.");

    /// <summary>A number unique within the server's lifetime, for logs.</summary>
    public long RequestId { get; private set; }

    /// <summary>The connection's TLS stream when the server serves TLS (the handshake is done); null otherwise.</summary>
    private protected SslStream? Tls { get; private set; }

    /// <summary>Called before the handling; if it throws, neither the handling nor <see cref="Finish"/> runs.</summary>
    public virtual void Setup()
    {
    }

    /// <summary>
    /// Does the work of the request. Loop here to serve many request/reply rounds on one connection. The default
    /// waits for <see cref="HandleAsync"/>, so a handler written with only <see cref="HandleAsync"/> runs on the
    /// blocking models too.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither this nor <see cref="HandleAsync"/> is overridden.</exception>
    public virtual void Handle()
    {
        EnterDefaultHandle();
        try
        {
            // A blocking model's own thread, with no synchronization context: waiting here blocks only this request.
            HandleAsync(_aborted).GetAwaiter().GetResult();
        }
        finally
        {
            _inDefaultHandle = false;
        }
    }

    /// <summary>
    /// Does the work of the request without holding a thread while it waits: the way <see cref="EventDriven.AsyncServer"/>
    /// runs a handler. The default runs <see cref="Handle"/> on a thread-pool thread.
    /// </summary>
    /// <param name="cancellationToken">
    /// Fires when the server aborts its connections (<see cref="IServer.StopAsync"/> past its drain time or told to
    /// abort, or <see cref="IDisposable.Dispose"/>); the connection itself is shut down then too, which ends its reads.
    /// </param>
    /// <exception cref="InvalidOperationException">Neither this nor <see cref="Handle"/> is overridden.</exception>
    public virtual Task HandleAsync(CancellationToken cancellationToken)
    {
        EnterDefaultHandle();
        return Task.Run(
            () =>
            {
                try
                {
                    Handle();
                }
                finally
                {
                    _inDefaultHandle = false;
                }
            },
            CancellationToken.None);
    }

    /// <summary>Called after the handling, even when it threw.</summary>
    public virtual void Finish()
    {
    }

    /// <summary>Runs the request on the calling thread: <see cref="Setup"/> → <see cref="Handle"/> → <see cref="Finish"/>.</summary>
    internal void Run(in ServerRequest request)
    {
        Accept(request);
        Setup();
        try
        {
            Handle();
        }
        finally
        {
            Finish();
        }
    }

    /// <summary>Runs the request asynchronously: <see cref="Setup"/> → <see cref="HandleAsync"/> → <see cref="Finish"/>.</summary>
    internal async Task RunAsync(ServerRequest request)
    {
        Accept(request);
        Setup();
        try
        {
            await HandleAsync(_aborted).ConfigureAwait(false);
        }
        finally
        {
            await BeforeFinishAsync().ConfigureAwait(false);
            Finish();
        }
    }

    /// <summary>Takes in what the server hands over for the request.</summary>
    private protected virtual void Accept(in ServerRequest request)
    {
        Request = request.Socket;
        ClientAddress = request.ClientAddress;
        _server = request.Server;
        _aborted = request.Aborted;
        RequestId = request.Id;
        Tls = request.Tls;
    }

    /// <summary>On the async model, what <see cref="Finish"/> would block on, done first without blocking (a flush).</summary>
    private protected virtual ValueTask BeforeFinishAsync() => ValueTask.CompletedTask;

    private void EnterDefaultHandle()
    {
        if (_inDefaultHandle)
        {
            throw new InvalidOperationException($"{GetType().Name} overrides neither Handle nor HandleAsync; override one of them.");
        }

        _inDefaultHandle = true;
    }
}
