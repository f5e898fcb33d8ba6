using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Dispatch;
using SocketServer.Handlers;
using SocketServer.Core;

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
            }
            catch
            {
                Dispose();
                throw;
            }
        }
    }

    /// <summary>Set SO_REUSEADDR before binding. Default false, as in CPython.</summary>
    public bool AllowReuseAddress { get; set; }

    /// <summary>The largest datagram read; longer ones are truncated by the kernel. Default 8192, as CPython's <c>max_packet_size</c>.</summary>
    public int MaxPacketSize { get; set; } = 8192;

    /// <summary>Binds the socket and records the real address.</summary>
    public void ServerBind()
    {
        if (AllowReuseAddress)
        {
            Listener.SetReuseAddress(Socket);
        }

        Listener.Bind(Socket, ServerAddress);
        ServerAddress = Socket.LocalEndPoint!;
        Socket.Blocking = false;
    }

    private protected override ServerRequest? GetRequest()
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

        return new ServerRequest(this, Socket, UnnamedUnixClient.Of(client), Interlocked.Increment(ref _nextId), buffer.AsMemory(0, received));
    }

    private protected override void ShutdownRequest(Socket request, EndPoint clientAddress)
    {
        // The socket is the server's own, shared by every datagram: nothing to close per request.
    }

    private protected override void StopAccepting()
    {
        // Datagrams already taken are finished by the dispatcher; the loop reads no more once told to stop.
    }
}
