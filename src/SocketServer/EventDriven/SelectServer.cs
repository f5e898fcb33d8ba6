using System.Net;
using Microsoft.Extensions.Logging;
using SocketServer.Selectors;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>
/// The lab's select loop (exercises 3 and 4): an <see cref="EventLoopServer"/> over <see cref="SocketSelector"/>.
/// Every wait hands the whole socket list to the kernel, so it suits a few hundred connections;
/// <see cref="EpollServer"/> and <see cref="AsyncServer"/> scale further.
/// </summary>
public sealed class SelectServer : EventLoopServer
{
    /// <summary>Binds and listens; call <see cref="IServer.Start"/> to begin serving.</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for TLS, which this loop cannot offer.</exception>
    public SelectServer(EndPoint endPoint, ISessionFactory sessions, ServerOptions? options = null, ILogger? logger = null)
        : base(endPoint, sessions, options, logger, new SocketSelector(), "select-loop")
    {
    }
}
