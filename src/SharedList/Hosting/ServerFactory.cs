using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedList.Service;
using SharedList.Stores;
using SharedList.Protocol;
using SocketServer;
using SocketServer.Dispatch;
using SocketServer.EventDriven;
using SocketServer.Handlers;
using SocketServer.Sessions;

namespace SharedList.Hosting;

/// <summary>Builds the server for a model: the one place that knows which library class serves which model.</summary>
public static class ServerFactory
{
    private const int MaxDatagramBytes = 65_535;

    // Threads the threading model keeps started ahead, so a burst of connections is not accepted one thread start
    // at a time (ThreadPerRequestDispatcher): 500 connections took 10–30 s to get their threads on a busy core.
    private const int SpareThreads = 8;

    /// <summary>
    /// Binds (throws <see cref="System.Net.Sockets.SocketException"/> when it cannot) and returns the server
    /// serving <paramref name="store"/>, not yet started.
    /// </summary>
    public static IServer Create(ServerSettings settings, IListStore store, ILoggerFactory? logging = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        logging ??= NullLoggerFactory.Instance;
        var sessions = new SharedListSessionFactory(
            store,
            new SharedListOptions
            {
                Framing = settings.Framing,
                MaxMessageBytes = settings.MaxMessageBytes,
                OutputBudgetBytes = settings.MaxReplyBuffer,
                Password = settings.Password,
            },
            logging.CreateLogger("SharedList.Session"));
        return Create(settings, sessions, logging.CreateLogger("SharedList.Server"));
    }

    /// <summary>Binds and returns a server running <paramref name="sessions"/> on the model of <paramref name="settings"/>, not yet started.</summary>
    public static IServer Create(ServerSettings settings, ISessionFactory sessions, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Udp && !ServerSettings.SupportsUdp(settings.Model))
        {
            throw new ArgumentException($"The {settings.ModelName} model cannot serve UDP.", nameof(settings));
        }

        if (settings.Udp && settings.Password is not null)
        {
            // Each datagram is its own session: there is no connection for an AUTH to unlock.
            throw new ArgumentException("A password cannot be used with UDP: a datagram cannot authenticate.", nameof(settings));
        }

        if (settings.Model == ServerModel.Epoll && !OperatingSystem.IsLinux())
        {
            throw new ArgumentException("The epoll model needs Linux; use async or select here.", nameof(settings));
        }

        if (settings.Tls is not null && !ServerSettings.SupportsTls(settings.Model, settings.Udp))
        {
            throw new ArgumentException($"TLS is not available with the {settings.ModelName} model.", nameof(settings));
        }

        // The refusal goes out before any handshake, so a TLS client could not read it: it is just closed.
        var rejection = settings.Tls is null ? Replies.Encode(Replies.TooManyConnections, settings.Framing) : [];
        if (settings.Udp)
        {
            IRequestDispatcher dispatcher = settings.Model == ServerModel.Threading ? new ThreadPerRequestDispatcher() : new InlineDispatcher();
            return new UdpServer(settings.EndPoint, () => new SessionDatagramHandler(sessions), bindAndActivate: false, dispatcher, logger)
                .Also(server =>
                {
                    server.AllowReuseAddress = true;

                    // The largest UDP payload, so no datagram is silently truncated (CPython's default is 8192).
                    server.MaxPacketSize = MaxDatagramBytes;
                    server.ServerBind();
                });
        }

        return settings.Model switch
        {
            ServerModel.Sequential => Tcp(settings, sessions, new InlineDispatcher(), rejection, logger),
            ServerModel.Threading => Tcp(settings, sessions, new ThreadPerRequestDispatcher { SpareThreads = SpareThreads }, rejection, logger),
            ServerModel.Pool => Tcp(settings, sessions, new WorkerPoolDispatcher(settings.Workers), rejection, logger),
            ServerModel.Select => new SelectServer(settings.EndPoint, sessions, EventDrivenOptions(settings, rejection), logger),
            ServerModel.Async => new AsyncServer(settings.EndPoint, sessions, EventDrivenOptions(settings, rejection), logger),
            ServerModel.Epoll => new EpollServer(settings.EndPoint, sessions, EventDrivenOptions(settings, rejection), logger),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Model, "unknown model"),
        };
    }

    private static TcpServer Tcp(ServerSettings settings, ISessionFactory sessions, IRequestDispatcher dispatcher, byte[] rejection, ILogger logger)
    {
        var timeouts = Timeouts(settings);
        var server = new TcpServer(settings.EndPoint, () => new SessionStreamHandler(sessions, timeouts, settings.Tls), bindAndActivate: false, dispatcher, logger)
        {
            AllowReuseAddress = true,
            RequestQueueSize = settings.Backlog,
            MaxConnections = settings.MaxConnections,
            RejectionReply = rejection,
        };
        try
        {
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

    private static StreamServerOptions EventDrivenOptions(ServerSettings settings, byte[] rejection) => new()
    {
        AllowReuseAddress = true,
        RequestQueueSize = settings.Backlog,
        MaxConnections = settings.MaxConnections,
        RejectionReply = rejection,
        Timeouts = Timeouts(settings),
        Tls = settings.Tls,
    };

    private static ConnectionTimeouts Timeouts(ServerSettings settings) => new(settings.IdleTimeout, settings.StallTimeout);

    private static T Also<T>(this T value, Action<T> action)
        where T : IDisposable
    {
        try
        {
            action(value);
            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }
}
