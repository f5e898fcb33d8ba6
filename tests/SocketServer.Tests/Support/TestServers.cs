using SocketServer.Handlers;

namespace SocketServer.Tests.Support;

/// <summary>The servers one test starts, and what they log; disposing it disposes them all.</summary>
internal sealed class TestServers : IDisposable
{
    private readonly List<IServer> _servers = [];

    /// <summary>What the servers logged.</summary>
    public RecordingLogger Log { get; } = new();

    /// <summary>Creates and starts a server of <paramref name="model"/> running the line-reverse protocol.</summary>
    public IServer Start(ServerModel model, int maxConnections = int.MaxValue, ReadOnlyMemory<byte> rejectionReply = default, bool allowReusePort = false)
    {
        var server = ServerFactory.Create(model, new LineReverseSessions(), Log, maxConnections, rejectionReply, allowReusePort: allowReusePort);
        _servers.Add(server);
        server.Start();
        return server;
    }

    /// <summary>Creates and starts a server of <paramref name="model"/> running a handler from <paramref name="handlers"/> on each connection.</summary>
    public IServer Start(ServerModel model, Func<BaseRequestHandler> handlers)
    {
        var server = ServerModels.Create(model, ServerFactory.AnyLoopbackPort, handlers, new ServerOptions { PoolWorkers = ServerFactory.PoolWorkers }, Log);
        _servers.Add(server);
        server.Start();
        return server;
    }

    /// <summary>Aborts every server: what a test leaves connected must not keep it waiting.</summary>
    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Abort();
            server.Dispose();
        }
    }
}
