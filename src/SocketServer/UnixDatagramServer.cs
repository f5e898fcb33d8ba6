using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;

namespace SocketServer;

/// <summary>
/// CPython's <c>socketserver.UnixDatagramServer</c>: a <see cref="UdpServer"/> on a Unix-domain datagram socket.
/// Every datagram is a request; one at a time unless given another <see cref="IRequestDispatcher"/> (see
/// <see cref="ThreadingUnixDatagramServer"/>).
/// </summary>
/// <remarks>
/// A reply goes to the path the client bound; a client that bound none cannot be answered (the send fails and
/// <see cref="BaseServer"/> logs it), as in CPython. The socket file is handled as by <see cref="UnixStreamServer"/>:
/// a stale one is removed at bind, a live server's never, and the server's own when it closes.
/// </remarks>
public class UnixDatagramServer : UdpServer
{
    /// <summary>Creates the server; see <see cref="UdpServer"/>.</summary>
    /// <param name="serverAddress">The socket file's path, as <c>new UnixDomainSocketEndPoint(path)</c>.</param>
    /// <param name="handlerFactory">Creates a handler for each datagram.</param>
    /// <param name="bindAndActivate">Bind now.</param>
    /// <param name="dispatcher">The concurrency model; one datagram at a time when null.</param>
    /// <param name="logger">Where error events go.</param>
    public UnixDatagramServer(UnixDomainSocketEndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, bool bindAndActivate = true, IRequestDispatcher? dispatcher = null, ILogger? logger = null)
        : base(serverAddress, handlerFactory, bindAndActivate, dispatcher, logger)
    {
    }
}
