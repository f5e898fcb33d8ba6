using System.Net;
using System.Net.Sockets;

namespace SocketServer.Core;

/// <summary>Creates and binds sockets the same way for every server model, over IP or a Unix-domain socket.</summary>
internal static class Listener
{
    // Linux values of SOL_SOCKET and SO_REUSEADDR (asm-generic/socket.h).
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;

    // What a datagram socket's receive starts from: ReceiveFrom needs an address of the socket's family. The Unix one
    // is .NET's unnamed address, which a datagram from a client that bound no path leaves as it is.
    private static readonly EndPoint AnyUnixClient = new UnixDomainSocketEndPoint("unnamed").Create(new SocketAddress(AddressFamily.Unix, 2));

    /// <summary>Creates an unbound socket of <paramref name="endPoint"/>'s family: TCP or UDP over IP, or a Unix-domain socket.</summary>
    public static Socket CreateSocket(EndPoint endPoint, SocketType type) =>
        // Unspecified, not Tcp/Udp: the kernel refuses those for a Unix socket and picks them itself for IP. With Tcp,
        // .NET's Bind would also set SO_REUSEADDR on its own on Linux, taking the choice from AllowReuseAddress.
        new(endPoint.AddressFamily, type, ProtocolType.Unspecified);

    /// <summary>Whether <paramref name="socket"/> runs over IP (TCP or UDP), where IP and TCP options apply; not a Unix socket.</summary>
    public static bool IsIp(Socket socket) => socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;

    /// <summary>Sets TCP_NODELAY on an accepted TCP connection, so small replies go out at once; a Unix socket has no Nagle.</summary>
    public static void DisableNagle(Socket accepted)
    {
        if (IsIp(accepted))
        {
            accepted.NoDelay = true;
        }
    }

    /// <summary>An address to receive a datagram's sender into, of <paramref name="socket"/>'s family.</summary>
    public static EndPoint AnyClient(Socket socket) => socket.AddressFamily switch
    {
        AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0),
        AddressFamily.Unix => AnyUnixClient,
        _ => new IPEndPoint(IPAddress.Any, 0),
    };

    /// <summary>
    /// Binds <paramref name="socket"/>; on the IPv6 wildcard it also accepts IPv4 clients. A Unix socket's path may hold
    /// the stale file of a server that was killed, which is removed first (<see cref="UnixSocketFile"/>).
    /// </summary>
    /// <exception cref="SocketException">The address is in use (a live server's socket file included), or cannot be bound.</exception>
    public static void Bind(Socket socket, EndPoint endPoint)
    {
        if (endPoint is IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip && ip.Address.Equals(IPAddress.IPv6Any))
        {
            // "::" serves IPv4 clients too, as most servers do, unless the user binds a specific address.
            socket.DualMode = true;
        }
        else if (endPoint is UnixDomainSocketEndPoint unix)
        {
            UnixSocketFile.RemoveIfStale(unix, socket.SocketType);
        }

        socket.Bind(endPoint);
    }

    /// <summary>Creates a stream socket bound to <paramref name="endPoint"/>, listening with <paramref name="backlog"/>.</summary>
    public static Socket Listen(EndPoint endPoint, bool allowReuseAddress, bool allowReusePort, int backlog)
    {
        var socket = CreateSocket(endPoint, SocketType.Stream);
        try
        {
            if (allowReuseAddress)
            {
                SetReuseAddress(socket);
            }

            if (allowReusePort)
            {
                SetReusePort(socket);
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

    /// <summary>Lets other sockets with the option bind the same port, the kernel spreading connections among them; nothing for a Unix socket.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public static void SetReusePort(Socket socket)
    {
        if (!IsIp(socket))
        {
            return;
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("SO_REUSEPORT is set on Linux only, where the kernel balances the connections among the sockets.");
        }

        socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
    }

    /// <summary>Lets the socket bind a port still in TIME_WAIT, and nothing more; nothing for a Unix socket, which has no port.</summary>
    public static void SetReuseAddress(Socket socket)
    {
        if (!IsIp(socket))
        {
            return;
        }

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
