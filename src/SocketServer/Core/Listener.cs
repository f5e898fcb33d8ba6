using System.Net;
using System.Net.Sockets;

namespace SocketServer.Core;

/// <summary>Binds sockets the same way for every server model.</summary>
internal static class Listener
{
    // Linux values of SOL_SOCKET and SO_REUSEADDR (asm-generic/socket.h).
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    /// <summary>Binds <paramref name="socket"/>; on the IPv6 wildcard it also accepts IPv4 clients.</summary>
    public static void Bind(Socket socket, EndPoint endPoint)
    {
        if (endPoint is IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip && ip.Address.Equals(IPAddress.IPv6Any))
        {
            // "::" serves IPv4 clients too, as most servers do, unless the user binds a specific address.
            socket.DualMode = true;
        }

        socket.Bind(endPoint);
    }

    /// <summary>Creates a TCP socket bound to <paramref name="endPoint"/>, listening with <paramref name="backlog"/>.</summary>
    public static Socket Listen(EndPoint endPoint, bool allowReuseAddress, int backlog)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (allowReuseAddress)
            {
                SetReuseAddress(socket);
            }

            Bind(socket, endPoint);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Lets the socket bind a port still in TIME_WAIT, and nothing more.</summary>
    public static void SetReuseAddress(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            // .NET maps SocketOptionName.ReuseAddress to SO_REUSEADDR *and* SO_REUSEPORT on Linux, which lets a
            // second server bind the same port and silently steal half the connections. Python's
            // allow_reuse_address sets SO_REUSEADDR only (reuse a port in TIME_WAIT), so set just that.
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        }
        else
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }
    }
}
