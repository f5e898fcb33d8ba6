using System.Net;
using Microsoft.Extensions.Logging;
using SocketServer.EventDriven;
using SocketServer.Handlers;
using SocketServer.Sessions;

namespace SocketServer.Tests.Support;

/// <summary>Builds any of the five stream models the way a host would, on 127.0.0.1 port 0 unless told otherwise.</summary>
internal static class ServerFactory
{
    /// <summary>Workers of the pool model: fewer than the concurrent-client tests use, so connections queue.</summary>
    public const int PoolWorkers = 4;

    public static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    /// <summary>Creates a bound, listening, not yet started server.</summary>
    public static IServer Create(
        Model model,
        ISessionFactory sessions,
        ILogger? logger = null,
        int maxConnections = int.MaxValue,
        ReadOnlyMemory<byte> rejectionReply = default,
        EndPoint? endPoint = null,
        bool allowReuseAddress = false)
    {
        endPoint ??= AnyLoopbackPort;
        if (model is Model.Select or Model.Async or Model.Epoll)
        {
            var options = new StreamServerOptions
            {
                AllowReuseAddress = allowReuseAddress,
                MaxConnections = maxConnections,
                RejectionReply = rejectionReply,
            };
            return model switch
            {
                Model.Select => new SelectServer(endPoint, sessions, options, logger),
                Model.Epoll => new EpollServer(endPoint, sessions, options, logger),
                _ => new AsyncServer(endPoint, sessions, options, logger),
            };
        }

        BaseRequestHandler Handler() => new SessionStreamHandler(sessions);
        TcpServer server = model switch
        {
            Model.Sequential => new TcpServer(endPoint, Handler, bindAndActivate: false, logger: logger),
            Model.Threading => new ThreadingTcpServer(endPoint, Handler, bindAndActivate: false, logger: logger),
            Model.Pool => new ThreadPoolTcpServer(endPoint, Handler, PoolWorkers, bindAndActivate: false, logger: logger),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
        try
        {
            // Set before binding, as CPython's class attributes are: the 32-client tests connect at once,
            // and the default backlog of 5 would make the kernel drop SYNs and retry them a second later.
            server.AllowReuseAddress = allowReuseAddress;
            server.RequestQueueSize = 64;
            server.MaxConnections = maxConnections;
            server.RejectionReply = rejectionReply;
            server.ServerBind();
            server.ServerActivate();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }
}
