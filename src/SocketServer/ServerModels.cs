using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.EventDriven;
using SocketServer.Handlers;
using SocketServer.Sessions;

namespace SocketServer;

/// <summary>
/// Names the <see cref="ServerModel"/>s and builds the server for each: the one place that knows which class
/// serves which model. A model's name is its lowercase enum name (<c>sequential</c>, <c>threading</c>,
/// <c>pool</c>, <c>select</c>, <c>async</c>, <c>epoll</c>).
/// </summary>
public static class ServerModels
{
    // The largest UDP payload, so no datagram is truncated (CPython's max_packet_size is 8192).
    private const int MaxDatagramBytes = 65_535;

    // Threads the threading model keeps started ahead (ThreadPerRequestDispatcher.SpareThreads), so a burst of
    // connections is not accepted one thread start at a time.
    private const int SpareThreads = 8;

    /// <summary>Every model, in the order the help lists them.</summary>
    public static IReadOnlyList<ServerModel> All { get; } = Enum.GetValues<ServerModel>();

    /// <summary>The model's name: its lowercase enum name.</summary>
    public static string Name(this ServerModel model) => model switch
    {
        ServerModel.Sequential => "sequential",
        ServerModel.Threading => "threading",
        ServerModel.Pool => "pool",
        ServerModel.Select => "select",
        ServerModel.Async => "async",
        ServerModel.Epoll => "epoll",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "unknown model"),
    };

    /// <summary>The model named <paramref name="name"/> (any case); false for anything else, numbers included.</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out ServerModel model)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                model = candidate;
                return true;
            }
        }

        model = default;
        return false;
    }

    /// <summary>The model named <paramref name="name"/> (any case).</summary>
    /// <exception cref="ArgumentException">No model has that name.</exception>
    public static ServerModel Parse(string name) => TryParse(name, out var model)
        ? model
        : throw new ArgumentException($"'{name}' is not a model; choose from {string.Join(", ", All.Select(m => m.Name()))}.", nameof(name));

    /// <summary>
    /// Whether the model serves TLS: every model with a thread or an await per connection. The
    /// <see cref="ServerModel.Select"/> and <see cref="ServerModel.Epoll"/> loops do non-blocking socket I/O, and
    /// .NET offers TLS only as a stream whose reads block or await.
    /// </summary>
    public static bool SupportsTls(this ServerModel model) => model is not (ServerModel.Select or ServerModel.Epoll);

    /// <summary>
    /// Whether the model runs <see cref="BaseRequestHandler"/>s: every model with a thread or an await per connection.
    /// The <see cref="ServerModel.Select"/> and <see cref="ServerModel.Epoll"/> loops run only sessions, which never block.
    /// </summary>
    public static bool SupportsHandlers(this ServerModel model) => model is not (ServerModel.Select or ServerModel.Epoll);

    /// <summary>Whether the model serves UDP: <see cref="ServerModel.Sequential"/> and <see cref="ServerModel.Threading"/>, as CPython's <c>UDPServer</c> and <c>ThreadingUDPServer</c>.</summary>
    public static bool SupportsDatagrams(this ServerModel model) => model is ServerModel.Sequential or ServerModel.Threading;

    /// <summary>Whether the model runs on this operating system: <see cref="ServerModel.Epoll"/> needs Linux.</summary>
    public static bool IsSupportedHere(this ServerModel model) => model != ServerModel.Epoll || OperatingSystem.IsLinux();

    /// <summary>
    /// Binds a TCP server of <paramref name="model"/> that runs a session from <paramref name="sessions"/> on every
    /// connection, and returns it not yet started.
    /// </summary>
    /// <param name="model">The concurrency model.</param>
    /// <param name="endPoint">
    /// Where to listen: an <see cref="IPEndPoint"/>, where port 0 picks a free port (read it back from
    /// <see cref="IServer.LocalEndPoint"/>), or a <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/> on every model
    /// (a stale socket file is removed first, a live server's never: see <see cref="UnixStreamServer"/>).
    /// </param>
    /// <param name="sessions">Creates each connection's session.</param>
    /// <param name="options">The server's settings; <see cref="ServerOptions.Default"/> when null.</param>
    /// <param name="logger">Where connection and error events go; nothing is logged when null.</param>
    /// <exception cref="System.Net.Sockets.SocketException">The address cannot be bound (a port in use, say).</exception>
    /// <exception cref="ArgumentException">The model cannot serve TLS, TLS was asked for over a Unix socket, or the model does not run here.</exception>
    public static IServer Create(ServerModel model, EndPoint endPoint, ISessionFactory sessions, ServerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(sessions);
        options ??= ServerOptions.Default;
        Check(model, endPoint, options);
        return model switch
        {
            ServerModel.Select => new SelectServer(endPoint, sessions, options, logger),
            ServerModel.Async => new AsyncServer(endPoint, sessions, options, logger),
            ServerModel.Epoll => new EpollServer(endPoint, sessions, options, logger),

            // The blocking models run a session through a handler.
            _ => Create(model, endPoint, () => new SessionStreamHandler(sessions), options, logger),
        };
    }

    /// <summary>
    /// Binds a TCP server of <paramref name="model"/> (<see cref="SupportsHandlers"/>) that runs a new handler from
    /// <paramref name="handlerFactory"/> on every connection, and returns it not yet started.
    /// </summary>
    /// <param name="model">The concurrency model.</param>
    /// <param name="endPoint">Where to listen: an <see cref="IPEndPoint"/> (port 0 picks a free port) or a <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/>.</param>
    /// <param name="handlerFactory">Creates each connection's handler (CPython passes the class).</param>
    /// <param name="options">The server's settings; <see cref="ServerOptions.Default"/> when null.</param>
    /// <param name="logger">Where connection and error events go; nothing is logged when null.</param>
    /// <exception cref="System.Net.Sockets.SocketException">The address cannot be bound (a port in use, say).</exception>
    /// <exception cref="ArgumentException">The model cannot run handlers or serve TLS, or does not run here.</exception>
    public static IServer Create(ServerModel model, EndPoint endPoint, Func<BaseRequestHandler> handlerFactory, ServerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        if (!model.SupportsHandlers())
        {
            throw new ArgumentException(
                $"The {model.Name()} model cannot run a handler: its one loop must never block, so it runs only sessions (ISessionFactory); use async.",
                nameof(model));
        }

        options ??= ServerOptions.Default;
        Check(model, endPoint, options);
        return model switch
        {
            ServerModel.Sequential => new TcpServer(endPoint, handlerFactory, dispatcher: new InlineDispatcher(), logger: logger, options: options),
            ServerModel.Threading => new TcpServer(endPoint, handlerFactory, dispatcher: new ThreadPerRequestDispatcher { SpareThreads = SpareThreads }, logger: logger, options: options),
            ServerModel.Pool => new TcpServer(endPoint, handlerFactory, dispatcher: new WorkerPoolDispatcher(options.PoolWorkers), logger: logger, options: options),
            ServerModel.Async => new AsyncServer(endPoint, handlerFactory, options, logger),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model, "unknown model"),
        };
    }

    /// <summary>
    /// Binds a UDP server of <paramref name="model"/> (<see cref="SupportsDatagrams"/>) that runs a session on every
    /// datagram, and returns it not yet started; over IP, or over a Unix datagram socket for a
    /// <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/> (see <see cref="UnixDatagramServer"/>). Of <paramref name="options"/> only
    /// <see cref="ServerOptions.AllowReuseAddress"/> and <see cref="ServerOptions.AllowReusePort"/> apply; the rest is about connections.
    /// </summary>
    /// <exception cref="ArgumentException">The model cannot serve UDP, or TLS was asked for (that would be DTLS).</exception>
    public static IServer CreateDatagram(ServerModel model, EndPoint endPoint, ISessionFactory sessions, ServerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(sessions);
        if (!model.SupportsDatagrams())
        {
            throw new ArgumentException($"The {model.Name()} model cannot serve UDP; use sequential or threading.", nameof(model));
        }

        if (options?.Tls is not null)
        {
            throw new ArgumentException("TLS runs over TCP; a UDP server cannot serve it.", nameof(options));
        }

        IRequestDispatcher dispatcher = model == ServerModel.Threading ? new ThreadPerRequestDispatcher() : new InlineDispatcher();
        var server = new UdpServer(endPoint, () => new SessionDatagramHandler(sessions), bindAndActivate: false, dispatcher, logger);
        try
        {
            server.AllowReuseAddress = options?.AllowReuseAddress ?? false;
            server.AllowReusePort = options?.AllowReusePort ?? false;
            server.MaxPacketSize = MaxDatagramBytes;
            server.ServerBind();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Returns <paramref name="options"/> unless they ask for TLS over a Unix socket, which is refused.</summary>
    /// <exception cref="ArgumentException">TLS over a Unix socket.</exception>
    internal static ServerOptions? RefuseTlsOverUnix(EndPoint endPoint, ServerOptions? options)
    {
        ArgumentNullException.ThrowIfNull(endPoint);

        // Only this machine's processes reach a Unix socket, and its file's permissions say which: TLS would add a
        // certificate to manage and protect nothing more.
        if (endPoint.AddressFamily == System.Net.Sockets.AddressFamily.Unix && options?.Tls is not null)
        {
            throw new ArgumentException("TLS is served over TCP only: a Unix socket is reached only from this machine, as its file's permissions allow.", nameof(options));
        }

        return options;
    }

    private static void Check(ServerModel model, EndPoint endPoint, ServerOptions options)
    {
        RefuseTlsOverUnix(endPoint, options);
        if (!model.IsSupportedHere())
        {
            throw new ArgumentException($"The {model.Name()} model needs Linux; use async or select here.", nameof(model));
        }

        if (options.Tls is not null && !model.SupportsTls())
        {
            throw new ArgumentException(
                $"The {model.Name()} model cannot serve TLS: its loop does non-blocking socket I/O and .NET offers TLS only as a stream; use async.",
                nameof(options));
        }
    }
}
