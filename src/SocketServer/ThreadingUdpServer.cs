using System.Net;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;

namespace SocketServer;

/// <summary>CPython's <c>ThreadingUDPServer</c>: a <see cref="UdpServer"/> that handles each datagram on a new thread.</summary>
public class ThreadingUdpServer : UdpServer
{
    /// <summary>Creates the server; see <see cref="ThreadingTcpServer"/> for the thread options.</summary>
    public ThreadingUdpServer(EndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, bool bindAndActivate = true, bool daemonThreads = false, bool blockOnClose = true, ILogger? logger = null)
        : base(serverAddress, handlerFactory, bindAndActivate, new ThreadPerRequestDispatcher { DaemonThreads = daemonThreads, BlockOnClose = blockOnClose }, logger)
    {
    }
}
