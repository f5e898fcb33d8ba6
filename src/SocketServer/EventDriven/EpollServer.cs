using System.Net;
using Microsoft.Extensions.Logging;
using SocketServer.Selectors;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>
/// The select loop done the way Redis does it: an <see cref="EventLoopServer"/> over <see cref="EpollSelector"/>.
/// The kernel keeps the watch list, so an event costs the same with ten connections or ten thousand. Linux only.
/// </summary>
public sealed class EpollServer : EventLoopServer
{
    /// <summary>Binds and listens; call <see cref="IServer.Start"/> to begin serving.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for TLS, which this loop cannot offer.</exception>
    public EpollServer(EndPoint endPoint, ISessionFactory sessions, ServerOptions? options = null, ILogger? logger = null)
        : base(endPoint, sessions, options, logger, new EpollSelector(), "epoll-loop")
    {
    }
}
