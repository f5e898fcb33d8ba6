using System.Net;
using Microsoft.Extensions.Logging;
using SocketServer.Sessions;

namespace SocketServer.Tests.Support;

/// <summary>Builds a server of any model through the library's factory, on 127.0.0.1 port 0 unless told otherwise.</summary>
internal static class ServerFactory
{
    /// <summary>Workers of the pool model: fewer than the concurrent-client tests use, so connections queue.</summary>
    public const int PoolWorkers = 4;

    public static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    /// <summary>Creates a bound, listening, not yet started server.</summary>
    public static IServer Create(
        ServerModel model,
        ISessionFactory sessions,
        ILogger? logger = null,
        int maxConnections = int.MaxValue,
        ReadOnlyMemory<byte> rejectionReply = default,
        EndPoint? endPoint = null,
        bool allowReuseAddress = false,
        bool allowReusePort = false) =>
        ServerModels.Create(
            model,
            endPoint ?? AnyLoopbackPort,
            sessions,
            new ServerOptions
            {
                AllowReuseAddress = allowReuseAddress,
                AllowReusePort = allowReusePort,
                MaxConnections = maxConnections,
                RejectionReply = rejectionReply,
                PoolWorkers = PoolWorkers,
            },
            logger);
}
