using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;

namespace SocketServer;

/// <summary>CPython's <c>ThreadingUnixStreamServer</c>: a <see cref="UnixStreamServer"/> that handles each connection on a new thread.</summary>
public class ThreadingUnixStreamServer : UnixStreamServer
{
    /// <summary>Creates the server; see <see cref="ThreadingTcpServer"/> for the thread options.</summary>
    /// <param name="serverAddress">The socket file's path, as <c>new UnixDomainSocketEndPoint(path)</c>.</param>
    /// <param name="handlerFactory">Creates a handler for each connection.</param>
    /// <param name="bindAndActivate">Bind and listen now.</param>
    /// <param name="daemonThreads">CPython's <c>daemon_threads</c>: request threads do not keep the process alive and are not waited for.</param>
    /// <param name="blockOnClose">CPython's <c>block_on_close</c>: <see cref="BaseServer.ServerClose"/> waits for request threads.</param>
    /// <param name="logger">Where connection and error events go.</param>
    public ThreadingUnixStreamServer(UnixDomainSocketEndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, bool bindAndActivate = true, bool daemonThreads = false, bool blockOnClose = true, ILogger? logger = null)
        : base(serverAddress, handlerFactory, bindAndActivate, new ThreadPerRequestDispatcher { DaemonThreads = daemonThreads, BlockOnClose = blockOnClose }, logger)
    {
    }

    /// <summary>Whether <see cref="BaseServer.ServerClose"/> waits for request threads.</summary>
    public bool BlockOnClose => ((ThreadPerRequestDispatcher)Dispatcher).BlockOnClose;

    /// <summary>Whether request threads are background threads.</summary>
    public bool DaemonThreads => ((ThreadPerRequestDispatcher)Dispatcher).DaemonThreads;
}
