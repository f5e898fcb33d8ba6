using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace SocketServer;

/// <summary>
/// One request as the server's hooks see it: CPython's <c>(request, client_address)</c> pair. For TCP,
/// <see cref="Socket"/> is the connection; for UDP it is the server's socket and <see cref="Datagram"/> holds what
/// was received (CPython's <c>request</c> is then <c>(data, socket)</c>).
/// </summary>
/// <param name="Socket">The connected socket (TCP), or the server's socket that replies go out through (UDP).</param>
/// <param name="ClientAddress">The client's address (CPython's <c>client_address</c>).</param>
public readonly record struct ServerRequest(Socket Socket, EndPoint ClientAddress)
{
    /// <summary>The datagram received (UDP); empty for TCP.</summary>
    public ReadOnlyMemory<byte> Datagram { get; init; }

    /// <summary>A number unique within the server's lifetime, given when the request is admitted; for logs.</summary>
    public long Id { get; init; }

    /// <summary>The server that took the request, set before its handler runs.</summary>
    internal IServer? Server { get; init; }

    /// <summary>Fires when the server aborts its connections: the token handed to <see cref="Handlers.BaseRequestHandler.HandleAsync"/>.</summary>
    internal CancellationToken Aborted { get; init; }

    /// <summary>The connection's TLS stream, once its handshake is done; null on plain TCP and UDP.</summary>
    internal SslStream? Tls { get; init; }
}
