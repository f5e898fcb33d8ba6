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
/// <see cref="WorkerPoolTcpServer"/>).
/// </summary>
/// <remarks>
/// With <c>bindAndActivate</c> true (the default) the constructor binds and listens, and throws
/// <see cref="SocketException"/> when it cannot (a port in use, say). Pass false to set
/// <see cref="BaseServer.AllowReuseAddress"/> or <see cref="RequestQueueSize"/> first, then call
/// <see cref="BaseServer.ServerBind"/> and <see cref="ServerActivate"/>; either throws when set too late.
/// </remarks>
public class TcpServer : BaseServer
{
    private int _requestQueueSize;
    private bool _activated;

    /// <summary>Creates a TCP server.</summary>
    /// <param name="serverAddress">Where to listen; port 0 picks a free port (read it back from <see cref="BaseServer.ServerAddress"/>).</param>
    /// <param name="handlerFactory">Creates a handler for each connection.</param>
    /// <param name="bindAndActivate">Bind and listen now; when false, call <see cref="BaseServer.ServerBind"/> and <see cref="ServerActivate"/> yourself.</param>
    /// <param name="dispatcher">The concurrency model; one connection at a time when null.</param>
    /// <param name="logger">Where connection and error events go.</param>
    /// <param name="options">
    /// The server's settings (<see cref="ServerOptions.Default"/> when null). With <see cref="ServerOptions.Tls"/>, each
    /// connection completes the TLS handshake before its handler runs, and the handler reads and writes through
    /// <see cref="StreamRequestHandler"/>'s <c>Stream</c>, <c>Reader</c> and <c>Writer</c>.
    /// </param>
    public TcpServer(EndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, bool bindAndActivate = true, IRequestDispatcher? dispatcher = null, ILogger? logger = null, ServerOptions? options = null)
        : base(serverAddress, handlerFactory, Listener.CreateSocket(serverAddress, SocketType.Stream), dispatcher ?? new InlineDispatcher(), logger, options)
    {
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

    /// <summary>Starts listening with <see cref="RequestQueueSize"/> as the backlog (CPython's <c>server_activate</c>).</summary>
    public override void ServerActivate()
    {
        Socket.Listen(RequestQueueSize);
        _activated = true;
    }

    /// <summary>Refuses the connection past <see cref="MaxConnections"/>.</summary>
    protected override bool VerifyRequest(ServerRequest request) => Core.WithinLimit;

    /// <summary>Accepts the next connection (CPython's <c>get_request</c>); a socket that blocks, for its handler.</summary>
    protected override ServerRequest? GetRequest() =>
        Core.Accept(Socket, blocking: true) is { } accepted ? new ServerRequest(accepted, UnnamedUnixClient.Of(accepted.RemoteEndPoint!)) : null;

    /// <summary>Tracks the connection and lets <see cref="ServerCore"/> refuse it past the limit or when <see cref="VerifyRequest"/> says no.</summary>
    private protected override bool Admit(ref ServerRequest request)
    {
        var candidate = request;
        if (Core.Admit(request.Socket, (_, _) => VerifyRequest(candidate)) is not { } connection)
        {
            return false;
        }

        request = request with { Id = connection.Id };
        return true;
    }

    /// <summary>Half-closes the connection (FIN after the last reply), then <see cref="CloseRequest"/> (CPython's <c>shutdown_request</c>).</summary>
    protected override void ShutdownRequest(ServerRequest request)
    {
        SocketClose.EndSending(request.Socket);
        CloseRequest(request);
    }

    /// <summary>Closes the connection (CPython's <c>close_request</c>).</summary>
    protected override void CloseRequest(ServerRequest request)
    {
        request.Socket.Dispose();
        Core.Forget(request.Socket, request.ClientAddress);
    }

    private protected override void StopAccepting() => Socket.Dispose();

    /// <summary>With TLS, completes the handshake first and sends close_notify after the handler is done.</summary>
    protected override void FinishRequest(ServerRequest request)
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
}
