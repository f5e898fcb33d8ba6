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
