using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;
using SocketServer.Internal;

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
/// <see cref="ServerActivate"/>.
/// </remarks>
public class TcpServer : BaseServer
{
    private readonly ConnectionTracker _connections = new();

    /// <summary>Creates a TCP server.</summary>
    /// <param name="serverAddress">Where to listen; port 0 picks a free port (read it back from <see cref="BaseServer.ServerAddress"/>).</param>
    /// <param name="handlerFactory">Creates a handler for each connection.</param>
    /// <param name="bindAndActivate">Bind and listen now; when false, call <see cref="ServerBind"/> and <see cref="ServerActivate"/> yourself.</param>
    /// <param name="dispatcher">The concurrency model; one connection at a time when null.</param>
    /// <param name="logger">Where connection and error events go.</param>
    public TcpServer(EndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, bool bindAndActivate = true, IRequestDispatcher? dispatcher = null, ILogger? logger = null)
        : base(serverAddress, handlerFactory, new Socket(serverAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp), dispatcher ?? new InlineDispatcher(), logger)
    {
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

    /// <summary>Set SO_REUSEADDR before binding, so a restarted server can bind a port still in TIME_WAIT. Default false, as in CPython.</summary>
    public bool AllowReuseAddress { get; set; }

    /// <summary>The listen backlog: connections the kernel queues before they are accepted. Default 5, as in CPython.</summary>
    public int RequestQueueSize { get; set; } = 5;

    /// <summary>
    /// Connections served at once; the connection past it is refused through <see cref="VerifyRequest"/>,
    /// sent <see cref="RejectionReply"/> and closed. Default: no limit.
    /// </summary>
    public int MaxConnections { get; set; } = int.MaxValue;

    /// <summary>Bytes sent to a connection refused by the connection limit before it is closed. Default: none.</summary>
    public ReadOnlyMemory<byte> RejectionReply { get; set; }

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
            Connections.Reject(accepted, RejectionReply.Span);
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
        Connections.SendRejection(request, RejectionReply.Span);
    }

    private protected override void ShutdownRequest(Socket request, EndPoint clientAddress)
    {
        Connections.CloseGracefully(request);
        _connections.Remove(request);
        Logger.LogInformation("Client {Client} disconnected", clientAddress);
    }

    private protected override void StopAccepting() => Socket.Dispose();

    private protected override Task WaitForConnectionsAsync(CancellationToken cancellationToken) => _connections.WaitUntilEmptyAsync(cancellationToken);

    private protected override void AbortConnections() => _connections.AbortAll();
}
