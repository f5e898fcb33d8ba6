using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Core;
using SocketServer.Handlers;

namespace SocketServer;

/// <summary>
/// CPython's <c>socketserver.UDPServer</c>: every datagram is a request; its handler replies through
/// the server's socket. One datagram at a time unless given another <see cref="IRequestDispatcher"/>
/// (see <see cref="ThreadingUdpServer"/>).
/// </summary>
public class UdpServer : BaseServer
{
    private long _nextId;

    /// <summary>Creates a UDP server; see <see cref="TcpServer"/> for the parameters.</summary>
    public UdpServer(EndPoint serverAddress, Func<BaseRequestHandler> handlerFactory, bool bindAndActivate = true, IRequestDispatcher? dispatcher = null, ILogger? logger = null)
        : base(serverAddress, handlerFactory, Listener.CreateSocket(serverAddress, SocketType.Dgram), dispatcher ?? new InlineDispatcher(), logger)
    {
        if (bindAndActivate)
        {
            try
            {
                ServerBind();
                ServerActivate();
            }
            catch
            {
                Dispose();
                throw;
            }
        }
    }

    /// <summary>The largest datagram read; longer ones are truncated by the kernel. Default 8192, as CPython's <c>max_packet_size</c>.</summary>
    public int MaxPacketSize { get; set; } = 8192;

    /// <summary>Receives the next datagram (CPython's <c>get_request</c>); null when none is waiting after all.</summary>
    protected override ServerRequest? GetRequest()
    {
        var buffer = new byte[MaxPacketSize];
        var client = Listener.AnyClient(Socket);
        int received;
        try
        {
            received = Socket.ReceiveFrom(buffer, ref client);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.ConnectionReset or SocketError.MessageSize)
        {
            // ConnectionReset here is an ICMP "port unreachable" for an earlier reply: that client is gone, not us.
            return null;
        }

        return new ServerRequest(Socket, UnnamedUnixClient.Of(client)) { Id = Interlocked.Increment(ref _nextId), Datagram = buffer.AsMemory(0, received) };
    }

}
