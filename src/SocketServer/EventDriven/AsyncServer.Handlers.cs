using System.Net.Security;
using System.Net.Sockets;
using SocketServer.Sessions;
using SocketServer.Tls;

namespace SocketServer.EventDriven;

public sealed partial class AsyncServer
{
    // One connection run by a handler: the TLS handshake when asked, Setup → HandleAsync → Finish, then the close.
    private async Task ServeHandlerAsync(Socket socket, ConnectionContext connection)
    {
        SslStream? tls = null;
        try
        {
            var handler = _handlerFactory!();
            if (Options.Tls is { } options)
            {
                tls = await ServerTls.AuthenticateAsync(socket, options).ConfigureAwait(false);
            }

            var request = new ServerRequest(socket, connection.RemoteEndPoint)
            {
                Id = connection.Id,
                Tls = tls,
                Server = this,
                Aborted = Core.Aborted,
            };
            await handler.RunAsync(request).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // As HandleError on the blocking models: only this connection ends; a failed handshake is logged at Debug.
            Core.LogConnectionError(connection.RemoteEndPoint, e);
        }
        finally
        {
            if (tls is not null)
            {
                await ServerTls.CloseAsync(tls).ConfigureAwait(false);
            }

            Core.Release(socket, connection.RemoteEndPoint);
        }
    }

    /// <summary>What the server hands its base, which requires a session factory, when it runs handlers: never asked.</summary>
    private sealed class HandlersInsteadOfSessions : ISessionFactory
    {
        public static readonly HandlersInsteadOfSessions Instance = new();

        public ISession CreateSession(ConnectionContext connection) =>
            throw new InvalidOperationException("This AsyncServer runs handlers, not sessions.");
    }
}
