using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace SocketServer.Handlers;

/// <summary>
/// One request's handler, as CPython's <c>socketserver.BaseRequestHandler</c>: the server creates a new
/// instance for every request (a TCP connection or a UDP datagram) and calls
/// <see cref="Setup"/> → <see cref="Handle"/> → <see cref="Finish"/>; <see cref="Finish"/> runs even when
/// <see cref="Handle"/> throws.
/// </summary>
/// <remarks>
/// Threading: an instance is used by one thread only, the one the server's dispatcher picked.
/// Ownership: the server owns <see cref="Request"/> and closes it after <see cref="Finish"/>; a handler
/// must not dispose it (it may shut it down to signal the peer).
/// </remarks>
public abstract class BaseRequestHandler
{
    /// <summary>
    /// For TCP the connected socket (CPython's <c>self.request</c>); for UDP the server's socket, which
    /// replies go out through (CPython's <c>self.request[1]</c>).
    /// </summary>
    public Socket Request { get; private set; } = null!;

    /// <summary>The client's address (CPython's <c>self.client_address</c>).</summary>
    public EndPoint ClientAddress { get; private set; } = null!;

    /// <summary>The server that accepted the request (CPython's <c>self.server</c>).</summary>
    public BaseServer Server { get; private set; } = null!;

    /// <summary>A number unique within the server's lifetime, for logs.</summary>
    public long RequestId { get; private set; }

    /// <summary>The connection's TLS stream when the server serves TLS (the handshake is done); null otherwise.</summary>
    private protected SslStream? Tls { get; private set; }

    /// <summary>Called before <see cref="Handle"/>; if it throws, neither <see cref="Handle"/> nor <see cref="Finish"/> runs.</summary>
    public virtual void Setup()
    {
    }

    /// <summary>Does the work of the request. Loop here to serve many request/reply rounds on one connection.</summary>
    public abstract void Handle();

    /// <summary>Called after <see cref="Handle"/>, even when it threw.</summary>
    public virtual void Finish()
    {
    }

    internal virtual void Run(in ServerRequest request)
    {
        Request = request.Socket;
        ClientAddress = request.ClientAddress;
        Server = request.Server!;
        RequestId = request.Id;
        Tls = request.Tls;
        Setup();
        try
        {
            Handle();
        }
        finally
        {
            Finish();
        }
    }
}
