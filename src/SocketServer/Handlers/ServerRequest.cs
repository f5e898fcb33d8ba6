using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace SocketServer.Handlers;

/// <summary>
/// What a server hands to a handler: the socket, who sent it, for UDP the datagram, and with TLS the TLS stream.
/// <see cref="Server"/> is null on <see cref="EventDriven.AsyncServer"/>, which is not a <see cref="BaseServer"/>.
/// </summary>
internal readonly record struct ServerRequest(BaseServer? Server, Socket Socket, EndPoint ClientAddress, long Id, ReadOnlyMemory<byte> Datagram)
{
    /// <summary>The connection's TLS stream, once its handshake is done; null on plain TCP and UDP.</summary>
    public SslStream? Tls { get; init; }

    /// <summary>Fires when the server aborts its connections; used when <see cref="Server"/> is null.</summary>
    public CancellationToken Aborted { get; init; }
}
