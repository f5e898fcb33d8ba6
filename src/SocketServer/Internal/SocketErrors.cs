using System.Net.Sockets;
using SocketServer.Tls;

namespace SocketServer.Internal;

/// <summary>Sorts socket failures into "the peer went away" (normal life of a server) and real errors.</summary>
internal static class SocketErrors
{
    public static bool IsPeerGone(SocketError error) => error is
        SocketError.ConnectionReset or
        SocketError.ConnectionAborted or
        SocketError.Shutdown or
        SocketError.NotConnected or
        SocketError.OperationAborted or
        SocketError.Interrupted or
        SocketError.TimedOut or
        SocketError.Disconnecting or
        SocketError.NetworkReset or
        SocketError.HostUnreachable or
        SocketError.NetworkUnreachable;

    /// <summary>True for exceptions that mean the connection ended, not that the server has a bug.</summary>
    public static bool IsPeerGone(Exception exception) => exception switch
    {
        // A client that cannot or will not complete the TLS handshake (plain text, silence) is a client gone.
        TlsHandshakeException => true,
        SocketException socket => IsPeerGone(socket.SocketErrorCode),
        IOException { InnerException: SocketException inner } => IsPeerGone(inner.SocketErrorCode),
        ObjectDisposedException => true,
        _ => false,
    };

    /// <summary>True when accept failed because the process or system ran out of descriptors or memory.</summary>
    public static bool IsResourceExhaustion(SocketError error) => error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable;
}
