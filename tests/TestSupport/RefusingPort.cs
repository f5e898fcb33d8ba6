using System.Net;
using System.Net.Sockets;

namespace TestSupport;

/// <summary>
/// A loopback port that refuses whoever reaches it, held until disposed. A port that is merely looked up free and
/// released can be taken by any server the suite starts next, or be chosen by the client itself as its own source
/// port, and the "refused" test then hangs talking to it. Held, it is neither: the kernel gives a bound port to no
/// other socket, while a TCP socket that never listens answers a connection with a reset, and a UDP socket
/// connected to itself takes no datagram from anyone else, so the kernel answers with port unreachable.
/// </summary>
public sealed class RefusingPort : IDisposable
{
    private readonly Socket _holder;

    private RefusingPort(SocketType type, ProtocolType protocol)
    {
        _holder = new Socket(AddressFamily.InterNetwork, type, protocol);
        _holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_holder.LocalEndPoint!;
        if (type == SocketType.Dgram)
        {
            _holder.Connect(EndPoint);
        }
    }

    /// <summary>A TCP port where every connection is refused.</summary>
    public static RefusingPort Tcp() => new(SocketType.Stream, ProtocolType.Tcp);

    /// <summary>A UDP port where every datagram is answered with port unreachable.</summary>
    public static RefusingPort Udp() => new(SocketType.Dgram, ProtocolType.Udp);

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    public void Dispose() => _holder.Dispose();
}
