using System.Net;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;

namespace SocketServer;

/// <summary>
/// A <see cref="TcpServer"/> served by a fixed number of pre-started worker threads (the slides' answer to
/// thread exhaustion). Connections beyond the workers wait, accepted, until a worker is free.
/// </summary>
public class ThreadPoolTcpServer : TcpServer
{
    /// <summary>Creates the server and starts <paramref name="workers"/> threads.</summary>
    public ThreadPoolTcpServer(EndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, int workers, bool bindAndActivate = true, ILogger? logger = null)
        : base(serverAddress, handlerFactory, bindAndActivate, new WorkerPoolDispatcher(workers), logger)
    {
    }

    /// <summary>How many worker threads serve connections.</summary>
    public int Workers => ((WorkerPoolDispatcher)Dispatcher).Workers;
}
