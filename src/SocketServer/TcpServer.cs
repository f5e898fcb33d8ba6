using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;
using SocketServer.Internal;
using SocketServer.Tls;

namespace SocketServer;

/// <summary>
/// CPython's <c>socketserver.TCPServer</c>: accepts connections and runs a handler on each, one at a time
/// unless given another <see cref="IRequestDispatcher"/> (see <see cref="ThreadingTcpServer"/> and
/// <see cref="ThreadPoolTcpServer"/>).
/// </summary>
/// <remarks>
/// With <c>bindAndActivate</c> true (the default) the constructor binds and listens, and throws
/// <see cref="SocketException"/> when it cannot (a port in use, say). Pass false to set
/// <see cref="AllowReuseAddress"/> or <see cref="RequestQueueSize"/> first, then call <see cref="ServerBind"/> and
/// <see cref="ServerActivate"/>; either throws when set too late.
/// </remarks>
public class TcpServer : BaseServer
{
    private readonly ConnectionTracker _connections = new();
    private bool _allowReuseAddress;
    private int _requestQueueSize;
    private bool _activated;

    /// <summary>Creates a TCP server.</summary>
    /// <param name="serverAddress">Where to listen; port 0 picks a free port (read it back from <see cref="BaseServer.ServerAddress"/>).</param>
    /// <param name="handlerFactory">Creates a handler for each connection.</param>
    /// <param name="bindAndActivate">Bind and listen now; when false, call <see cref="ServerBind"/> and <see cref="ServerActivate"/> yourself.</param>
    /// <param name="dispatcher">The concurrency model; one connection at a time when null.</param>
    /// <param name="logger">Where connection and error events go.</param>
    /// <param name="options">
    /// The server's settings (<see cref="ServerOptions.Default"/> when null). With <see cref="ServerOptions.Tls"/>, each
    /// connection completes the TLS handshake before its handler runs, and the handler reads and writes through
    /// <see cref="StreamRequestHandler.Connection"/>.
    /// </param>
    public TcpServer(EndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, bool bindAndActivate = true, IRequestDispatcher? dispatcher = null, ILogger? logger = null, ServerOptions? options = null)
        : base(serverAddress, handlerFactory, new Socket(serverAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp), dispatcher ?? new InlineDispatcher(), logger, options)
    {
        _allowReuseAddress = Options.AllowReuseAddress;
        _requestQueueSize = Options.Backlog;
        if (bindAndActivate)
        {
            try
            {
                ServerBind();
                ServerActivate();
            }
            catch
            {
                Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Set SO_REUSEADDR before binding, so a restarted server can bind a port still in TIME_WAIT (CPython's
    /// <c>allow_reuse_address</c>). From <see cref="ServerOptions.AllowReuseAddress"/>; set it before
    /// <see cref="ServerBind"/>, after which setting it throws.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after the socket was bound.</exception>
    public bool AllowReuseAddress
    {
        get => _allowReuseAddress;
        set
        {
            ThrowIfBound(nameof(AllowReuseAddress));
            _allowReuseAddress = value;
        }
    }

    /// <summary>
    /// The listen backlog (CPython's <c>request_queue_size</c>). From <see cref="ServerOptions.Backlog"/>; set it
    /// before <see cref="ServerActivate"/>, after which setting it throws.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after the server started listening.</exception>
    public int RequestQueueSize
    {
        get => _requestQueueSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            if (_activated)
            {
                throw new InvalidOperationException($"{nameof(RequestQueueSize)} cannot change once the server is listening; set it before ServerActivate (bindAndActivate: false).");
            }

            _requestQueueSize = value;
        }
    }

    /// <summary>Connections served at once (<see cref="ServerOptions.MaxConnections"/>); the one past it is refused through <see cref="VerifyRequest"/>.</summary>
    public int MaxConnections => Options.MaxConnections;

    /// <inheritdoc />
    public override int ActiveConnections => _connections.Count;

    /// <summary>Binds the socket (CPython's <c>server_bind</c>) and records the real address.</summary>
    public void ServerBind()
    {
        if (AllowReuseAddress)
        {
            Listener.SetReuseAddress(Socket);
        }

        Listener.Bind(Socket, ServerAddress);
        ServerAddress = Socket.LocalEndPoint!;
    }

    /// <summary>Starts listening with <see cref="RequestQueueSize"/> as the backlog (CPython's <c>server_activate</c>).</summary>
    public void ServerActivate()
    {
        Socket.Listen(RequestQueueSize);
        _activated = true;

        // The loop selects before accepting; a client that resets in between would otherwise block accept.
        Socket.Blocking = false;
    }

    /// <summary>Refuses the connection past <see cref="MaxConnections"/>.</summary>
    protected override bool VerifyRequest(Socket request, EndPoint clientAddress) => _connections.Count <= MaxConnections;

    private protected override ServerRequest? GetRequest()
    {
        if (BlockingAccept.TryAccept(Socket) is not { } accepted)
        {
            return null;
        }

        if (DescriptorReserve.IsReserved(accepted))
        {
            // Refused, and reported as a failed accept: BaseServer backs off and logs it once per burst.
            SocketClose.Reject(accepted, RejectionBytes);
            throw DescriptorReserve.Exhausted();
        }

        var id = _connections.Add(accepted);
        var client = accepted.RemoteEndPoint!;
        Logger.LogInformation("Client {Client} connected (connection {ConnectionId})", client, id);
        return new ServerRequest(this, accepted, client, id, default);
    }

    private protected override void RejectRequest(Socket request, EndPoint clientAddress)
    {
        Logger.LogWarning("Refused {Client}: {Limit} connections already open", clientAddress, MaxConnections);
        SocketClose.SendRejection(request, RejectionBytes);
    }

    private protected override void ShutdownRequest(Socket request, EndPoint clientAddress)
    {
        SocketClose.Gracefully(request);
        _connections.Remove(request);
        Logger.LogInformation("Client {Client} disconnected", clientAddress);
    }

    private protected override void StopAccepting() => Socket.Dispose();

    /// <summary>With TLS, completes the handshake first and sends close_notify after the handler is done.</summary>
    private protected override void FinishRequest(in ServerRequest request)
    {
        if (Options.Tls is not { } tls)
        {
            base.FinishRequest(request);
            return;
        }

        var stream = ServerTls.Authenticate(request.Socket, tls);
        try
        {
            base.FinishRequest(request with { Tls = stream });
        }
        finally
        {
            ServerTls.Close(stream);
        }
    }

    // The refusal goes out before any TLS handshake, where a TLS client could not read it.
    private ReadOnlySpan<byte> RejectionBytes => Options.Tls is null ? Options.RejectionReply.Span : default;

    private void ThrowIfBound(string property)
    {
        if (Socket.IsBound)
        {
            throw new InvalidOperationException($"{property} cannot change once the socket is bound; set it before ServerBind (bindAndActivate: false).");
        }
    }

    private protected override Task WaitForConnectionsAsync(CancellationToken cancellationToken) => _connections.WaitUntilEmptyAsync(cancellationToken);

    private protected override void AbortConnections() => _connections.AbortAll();
}
