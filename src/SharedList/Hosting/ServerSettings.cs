using System.Net;
using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;
using SocketServer.Tls;

namespace SharedList.Hosting;

/// <summary>
/// How to serve the list: model, transport, address and limits. The defaults here are the documented
/// defaults of <c>sharedlist serve</c>.
/// </summary>
public sealed record ServerSettings
{
    /// <summary>The concurrency model. Default <see cref="ServerModel.Async"/>.</summary>
    public ServerModel Model { get; init; } = ServerModel.Async;

    /// <summary>Serve over UDP (sequential and threading only). Default false.</summary>
    public bool Udp { get; init; }

    /// <summary>TCP framing. Default <see cref="Framing.Line"/>.</summary>
    public Framing Framing { get; init; } = Framing.Line;

    /// <summary>Where to listen. Default 127.0.0.1:9999, the seed's <c>localhost</c> on IPv4.</summary>
    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 9999);

    /// <summary>Listen backlog. Default 511, as Redis and nginx: a burst of 500 connections fits while a thread-per-connection server is still starting threads.</summary>
    public int Backlog { get; init; } = 511;

    /// <summary>Worker threads of <see cref="ServerModel.Pool"/>. Default 16.</summary>
    public int Workers { get; init; } = 16;

    /// <summary>Connections served at once; the next one is refused with <c>ERR too many connections</c>. Default 10,000.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Largest message in bytes. Default <see cref="SharedListOptions.DefaultMaxMessageBytes"/>.</summary>
    public int MaxMessageBytes { get; init; } = SharedListOptions.DefaultMaxMessageBytes;

    /// <summary>Items the list holds at most; an append past it gets <c>ERR list full</c>. Default <see cref="InMemoryListStore.DefaultMaxItems"/>.</summary>
    public int MaxItems { get; init; } = InMemoryListStore.DefaultMaxItems;

    /// <summary>Reply bytes held in server memory per connection. Default <see cref="SharedListOptions.DefaultOutputBudgetBytes"/>.</summary>
    public int MaxReplyBuffer { get; init; } = SharedListOptions.DefaultOutputBudgetBytes;

    /// <summary>A connection with nothing in flight that sends nothing for this long is closed. Default zero: off.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// A connection with a message half-received or replies unread that makes no progress for this long is
    /// closed (slow-loris, clients that never read). Default 30 s.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The password clients must send with <c>AUTH</c> first; null (the default) for none. Not with <see cref="Udp"/>.</summary>
    public Password? Password { get; init; }

    /// <summary>How long a stop keeps serving connected clients before closing them. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Serve TLS with this certificate and handshake timeout (TCP on sequential, threading, pool and async only).
    /// Default null: plain TCP. The settings do not own the certificate.
    /// </summary>
    public ServerTlsOptions? Tls { get; init; }

    /// <summary>How the readiness line names the model, e.g. <c>async</c>, <c>threading, udp</c> or <c>async, tls</c>.</summary>
    public string ModelName => Model.ToString().ToLowerInvariant() + (Udp ? ", udp" : string.Empty) + (Tls is null ? string.Empty : ", tls");

    /// <summary>Whether the model can serve UDP.</summary>
    public static bool SupportsUdp(ServerModel model) => model is ServerModel.Sequential or ServerModel.Threading;

    /// <summary>
    /// Whether the model can serve TLS: every TCP model but <see cref="ServerModel.Select"/> and
    /// <see cref="ServerModel.Epoll"/>, whose non-blocking loops have no TLS in .NET (see <c>SelectServer</c>).
    /// Never over UDP (that would be DTLS).
    /// </summary>
    public static bool SupportsTls(ServerModel model, bool udp) => !udp && model is not (ServerModel.Select or ServerModel.Epoll);
}
