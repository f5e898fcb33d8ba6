using System.Net;
using System.Net.Sockets;

namespace SocketServer.Handlers;

/// <summary>What a server hands to a handler: the socket, who sent it, and for UDP the datagram.</summary>
internal readonly record struct ServerRequest(BaseServer Server, Socket Socket, EndPoint ClientAddress, long Id, ReadOnlyMemory<byte> Datagram);
