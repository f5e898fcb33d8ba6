using System.Net;
using Microsoft.Extensions.Logging;
using SharedList.Hosting;
using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;
using SocketServer;

namespace SharedList.Tests.Models;

/// <summary>A started server of one model on 127.0.0.1:0, serving its own list; stopped on dispose.</summary>
internal sealed class ModelServer : IAsyncDisposable
{
    private readonly IServer _server;

    public ModelServer(ServerModel model, Framing framing = Framing.Line, bool udp = false, int maxMessageBytes = 65536, int maxConnections = 10_000, string? password = null)
        : this(new ServerSettings
        {
            Model = model,
            Udp = udp,
            Framing = framing,
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            MaxMessageBytes = maxMessageBytes,
            Options = new ServerOptions { MaxConnections = maxConnections },
            Password = Password.FromOptional(password),
        })
    {
    }

    /// <summary>
    /// A server with exactly these settings, but always on 127.0.0.1:0 and with a store of <see cref="ServerSettings.MaxItems"/>;
    /// the server and its sessions log to <paramref name="logger"/> when given.
    /// </summary>
    public ModelServer(ServerSettings settings, ILogger? logger = null)
    {
        Settings = settings with { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        Store = new MemoryListStore(Settings.MaxItems);
        _server = logger is null
            ? ServerFactory.Create(Settings, Store)
            : ServerFactory.Create(Settings, new SharedListSessionFactory(Store, new SharedListOptions { Framing = Settings.Framing, MaxMessageBytes = Settings.MaxMessageBytes, ListKey = Settings.ListKey }, logger), logger);
        _server.Start();
    }

    public ServerSettings Settings { get; }

    public MemoryListStore Store { get; }

    /// <summary>The list the server serves.</summary>
    public MemoryStoredList List => Store.GetList(Settings.ListKey);

    public EndPoint EndPoint => _server.LocalEndPoint;

    public IServer Server => _server;

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(TimeSpan.Zero).WaitAsync(TimeSpan.FromSeconds(30));
        _server.Dispose();
    }
}
