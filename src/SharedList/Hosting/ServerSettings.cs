using System.Net;
using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;
using SocketServer;

namespace SharedList.Hosting;

/// <summary>
/// How to serve the list: model, transport, address, the server's options and the service's limits. The defaults
/// here are the documented defaults of <c>sharedlist serve</c>.
/// </summary>
public sealed record ServerSettings
{
    /// <summary>The concurrency model. Default <see cref="ServerModel.Async"/>.</summary>
    public ServerModel Model { get; init; } = ServerModel.Async;

    /// <summary>Serve over UDP (sequential and threading only). Default false.</summary>
    public bool Udp { get; init; }

    /// <summary>TCP framing. Default <see cref="Framing.Line"/>.</summary>
    public Framing Framing { get; init; } = Framing.Line;

    /// <summary>
    /// Where to listen: an <see cref="IPEndPoint"/>, or a <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/> (stream
    /// models, no TLS, no UDP). Default 127.0.0.1:9999, the seed's <c>localhost</c> on IPv4.
    /// </summary>
    public EndPoint EndPoint { get; init; } = DefaultEndPoint;

    /// <summary>The default of <see cref="EndPoint"/>: 127.0.0.1:9999.</summary>
    public static IPEndPoint DefaultEndPoint { get; } = new(IPAddress.Loopback, 9999);

    /// <summary>
    /// The server's options: backlog, connection limit, timeouts, TLS, pool workers. Default
    /// <see cref="ServerOptions.Default"/> with <see cref="ServerOptions.AllowReuseAddress"/> on, so a restarted
    /// server rebinds its port at once. The refusal reply of the connection limit is the service's own
    /// (<c>ERR too many connections</c>), set by <see cref="ServerFactory"/>.
    /// </summary>
    public ServerOptions Options { get; init; } = ServerOptions.Default with { AllowReuseAddress = true };

    /// <summary>Largest message in bytes. Default <see cref="SharedListOptions.DefaultMaxMessageBytes"/>.</summary>
    public int MaxMessageBytes { get; init; } = SharedListOptions.DefaultMaxMessageBytes;

    /// <summary>Items a list holds at most; an append past it gets <c>ERR list full</c>. Default <see cref="InMemoryList.DefaultMaxItems"/>.</summary>
    public int MaxItems { get; init; } = InMemoryList.DefaultMaxItems;

    /// <summary>The list the line protocol serves, by its name in the store. Default <see cref="SharedListOptions.DefaultListKey"/>.</summary>
    public string ListKey { get; init; } = SharedListOptions.DefaultListKey;

    /// <summary>Reply bytes held in server memory per connection. Default <see cref="SharedListOptions.DefaultOutputBudgetBytes"/>.</summary>
    public int MaxReplyBuffer { get; init; } = SharedListOptions.DefaultOutputBudgetBytes;

    /// <summary>The password clients must send with <c>AUTH</c> first; null (the default) for none. Not with <see cref="Udp"/>.</summary>
    public Password? Password { get; init; }

    /// <summary>
    /// The port of the Redis protocol (RESP2), served beside the line protocol on the same host, model and store
    /// (<see cref="ServerFactory.CreateResp"/>); 0 picks a free port; null (the default) serves none. TCP only: not with
    /// <see cref="Udp"/> or a Unix socket.
    /// </summary>
    public int? RespPort { get; init; }

    /// <summary>How long a stop keeps serving connected clients before closing them. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How the readiness line names the model, e.g. <c>async</c>, <c>threading, udp</c> or <c>async, tls</c>.</summary>
    public string ModelName => Model.Name() + (Udp ? ", udp" : string.Empty) + (Options.Tls is null ? string.Empty : ", tls");
}
