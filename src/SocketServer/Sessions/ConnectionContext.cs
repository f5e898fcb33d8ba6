using System.Net;

namespace SocketServer.Sessions;

/// <summary>What a session may know about its connection: never the socket itself.</summary>
/// <param name="Id">A number unique within the server's lifetime, for logs.</param>
/// <param name="RemoteEndPoint">The client's address.</param>
/// <param name="LocalEndPoint">The server's address the client reached.</param>
/// <param name="Transport">Whether bytes come as a stream (TCP) or as one datagram (UDP).</param>
public sealed record ConnectionContext(long Id, EndPoint RemoteEndPoint, EndPoint LocalEndPoint, TransportKind Transport);
