using System.Net;
using SharedList.Hosting;
using SharedList.Protocol;
using SharedList.Stores;
using SocketServer;

namespace SharedList.Tests.Models;

/// <summary>A started server of one model on 127.0.0.1:0, serving its own list; stopped on dispose.</summary>
internal sealed class ModelServer : IAsyncDisposable
{
    private readonly IServer _server;

    public ModelServer(ServerModel model, Framing framing = Framing.Line, bool udp = false, int maxMessageBytes = 65536, int maxConnections = 10_000)
    {
        Settings = new ServerSettings
        {
            Model = model,
            Udp = udp,
            Framing = framing,
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            Workers = 16,
            MaxMessageBytes = maxMessageBytes,
            MaxConnections = maxConnections,
        };
        _server = ServerFactory.Create(Settings, Store);
        _server.Start();
    }

    /// <summary>A started server with exactly <paramref name="settings"/> (give port 0).</summary>
    public ModelServer(ServerSettings settings)
    {
        Settings = settings;
        _server = ServerFactory.Create(Settings, Store);
        _server.Start();
    }

    public ServerSettings Settings { get; }

    public InMemoryListStore Store { get; } = new();

    public EndPoint EndPoint => _server.LocalEndPoint;

    public IServer Server => _server;

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(TimeSpan.Zero).WaitAsync(TimeSpan.FromSeconds(30));
        _server.Dispose();
    }
}
