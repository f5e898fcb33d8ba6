using System.Net;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;

namespace SocketServer;

/// <summary>
/// A <see cref="TcpServer"/> served by a fixed number of pre-started worker threads of its own (the slides' answer to
/// thread exhaustion), not by .NET's shared ThreadPool: a blocking handler holds one of these workers and nothing
/// else. Connections beyond the workers wait, accepted, until a worker is free.
/// </summary>
public class WorkerPoolTcpServer : TcpServer
{
    /// <summary>Creates the server and starts <paramref name="workers"/> threads.</summary>
    public WorkerPoolTcpServer(EndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, int workers, bool bindAndActivate = true, ILogger? logger = null)
        : base(serverAddress, handlerFactory, bindAndActivate, new WorkerPoolDispatcher(workers), logger)
    {
    }

    /// <summary>How many worker threads serve connections.</summary>
    public int Workers => ((WorkerPoolDispatcher)Dispatcher).Workers;
}
