using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;

namespace SocketServer;

/// <summary>CPython's <c>ThreadingUnixDatagramServer</c>: a <see cref="UnixDatagramServer"/> that handles each datagram on a new thread.</summary>
public class ThreadingUnixDatagramServer : UnixDatagramServer
{
    /// <summary>Creates the server; see <see cref="ThreadingTcpServer"/> for the thread options.</summary>
    public ThreadingUnixDatagramServer(UnixDomainSocketEndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, bool bindAndActivate = true, bool daemonThreads = false, bool blockOnClose = true, ILogger? logger = null)
        : base(serverAddress, handlerFactory, bindAndActivate, new ThreadPerRequestDispatcher { DaemonThreads = daemonThreads, BlockOnClose = blockOnClose }, logger)
    {
    }
}
