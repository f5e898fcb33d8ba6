using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;
using SocketServer.Core;
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
        : base(serverAddress, handlerFactory, Listener.CreateSocket(serverAddress, SocketType.Stream), dispatcher ?? new InlineDispatcher(), logger, options)
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

    /// <summary>Binds the socket (CPython's <c>server_bind</c>) and records the real address.</summary>
    public void ServerBind()
    {
        if (AllowReuseAddress)
        {
            Listener.SetReuseAddress(Socket);
        }

        Listener.Bind(Socket, ServerAddress);
        ServerAddress = Socket.LocalEndPoint!;
        Core.ListenerEndPoint = ServerAddress;
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
    protected override bool VerifyRequest(Socket request, EndPoint clientAddress) => Core.WithinLimit;

    private protected override ServerRequest? GetRequest() =>
        Core.Accept(Socket, blocking: true) is { } accepted ? new ServerRequest(this, accepted, UnnamedUnixClient.Of(accepted.RemoteEndPoint!), 0, default) : null;

    /// <summary>Tracks the connection and lets <see cref="ServerCore"/> refuse it past the limit or when <see cref="VerifyRequest"/> says no.</summary>
    private protected override bool Admit(ref ServerRequest request)
    {
        if (Core.Admit(request.Socket, VerifyRequest) is not { } connection)
        {
            return false;
        }

        request = request with { Id = connection.Id };
        return true;
    }

    private protected override void ShutdownRequest(Socket request, EndPoint clientAddress) => Core.Release(request, clientAddress);

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

    private void ThrowIfBound(string property)
    {
        if (Socket.IsBound)
        {
            throw new InvalidOperationException($"{property} cannot change once the socket is bound; set it before ServerBind (bindAndActivate: false).");
        }
    }

}
