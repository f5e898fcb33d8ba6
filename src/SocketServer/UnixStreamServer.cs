using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;

namespace SocketServer;

/// <summary>
/// CPython's <c>socketserver.UnixStreamServer</c>: a <see cref="TcpServer"/> on a Unix-domain stream socket, a file
/// that only processes on this machine can connect to (as its permissions allow). One connection at a time unless
/// given another <see cref="IRequestDispatcher"/> (see <see cref="ThreadingUnixStreamServer"/>).
/// </summary>
/// <remarks>
/// <para>Binding removes a stale socket file left by a server that was killed, but never one a live server listens
/// on (that throws <see cref="SocketException"/> with <see cref="SocketError.AddressAlreadyInUse"/>) nor a path that
/// is not a socket. The file is removed when the server closes.</para>
/// <para>Clients usually bind no path, so <see cref="BaseRequestHandler.ClientAddress"/> is unnamed (CPython's
/// <c>''</c>); it reads "unix client" in logs. TCP options (<see cref="BaseServer.AllowReuseAddress"/>, TCP_NODELAY)
/// do not apply and are skipped.</para>
/// </remarks>
public class UnixStreamServer : TcpServer
{
    /// <summary>Creates the server; see <see cref="TcpServer"/> for the parameters.</summary>
    /// <param name="serverAddress">The socket file's path, as <c>new UnixDomainSocketEndPoint(path)</c>.</param>
    /// <param name="handlerFactory">Creates a handler for each connection.</param>
    /// <param name="bindAndActivate">Bind and listen now.</param>
    /// <param name="dispatcher">The concurrency model; one connection at a time when null.</param>
    /// <param name="logger">Where connection and error events go.</param>
    /// <param name="options">The server's settings (<see cref="ServerOptions.Default"/> when null); TLS is refused.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for TLS.</exception>
    public UnixStreamServer(UnixDomainSocketEndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, bool bindAndActivate = true, IRequestDispatcher? dispatcher = null, ILogger? logger = null, ServerOptions? options = null)
        : base(serverAddress, handlerFactory, bindAndActivate, dispatcher, logger, ServerModels.RefuseTlsOverUnix(serverAddress, options))
    {
    }
}
