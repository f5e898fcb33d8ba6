using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;
using SocketServer;
using SocketServer.Sessions;

namespace SharedList.Hosting;

/// <summary>Builds the shared-list server from <see cref="ServerSettings"/>: the service's sessions on the library's model.</summary>
public static class ServerFactory
{
    /// <summary>
    /// Binds (throws <see cref="System.Net.Sockets.SocketException"/> when it cannot) and returns the server
    /// serving the list <see cref="ServerSettings.ListKey"/> of <paramref name="store"/>, not yet started.
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
                ListKey = settings.ListKey,

                // --framing raw is the lab's own server, whose terminal shows the list after each change.
                LogChanges = settings.Framing == Framing.Raw,
            },
            logging.CreateLogger("SharedList.Session"));
        return Create(settings, sessions, logging.CreateLogger("SharedList.Server"));
    }

    /// <summary>
    /// Binds (throws <see cref="System.Net.Sockets.SocketException"/> when it cannot) and returns the server of the
    /// Redis protocol on <paramref name="store"/>, not yet started: on the host of <see cref="ServerSettings.EndPoint"/>
    /// at <see cref="ServerSettings.RespPort"/>, with the same model, options, password and limits as the line protocol's.
    /// Start and stop it with that server.
    /// </summary>
    public static IServer CreateResp(ServerSettings settings, IListStore store, ILoggerFactory? logging = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        logging ??= NullLoggerFactory.Instance;
        if (settings.RespPort is not { } port)
        {
            throw new ArgumentException("The settings name no RESP port.", nameof(settings));
        }

        if (settings.Udp || settings.EndPoint is not IPEndPoint { Address: var address })
        {
            throw new ArgumentException("The Redis protocol is served over TCP: not with UDP or a Unix socket.", nameof(settings));
        }

        var sessions = new RespSessionFactory(store, settings.Password, settings.MaxReplyBuffer, settings.MaxMessageBytes, logging.CreateLogger("SharedList.Resp"));

        // Redis's own refusal, so a Redis client shows it as the error it knows.
        var options = settings.Options with { RejectionReply = "-ERR max number of clients reached\r\n"u8.ToArray() };
        var server = ServerModels.Create(settings.Model, new IPEndPoint(address, port), sessions, options, logging.CreateLogger("SharedList.Server"));
        sessions.ConnectedClients = () => server.ActiveConnections;
        return server;
    }

    /// <summary>Binds and returns a server running <paramref name="sessions"/> on the model of <paramref name="settings"/>, not yet started.</summary>
    public static IServer Create(ServerSettings settings, ISessionFactory sessions, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Udp)
        {
            if (settings.Password is not null)
            {
                // Each datagram is its own session: there is no connection for an AUTH to unlock.
                throw new ArgumentException("A password cannot be used with UDP: a datagram cannot authenticate.", nameof(settings));
            }

            return ServerModels.CreateDatagram(settings.Model, settings.EndPoint, sessions, settings.Options, logger);
        }

        var options = settings.Options with { RejectionReply = Replies.Encode(Replies.TooManyConnections, settings.Framing) };
        return ServerModels.Create(settings.Model, settings.EndPoint, sessions, options, logger);
    }
}
