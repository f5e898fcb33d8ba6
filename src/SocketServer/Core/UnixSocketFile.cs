using System.Net.Sockets;
using SocketServer.Internal;

namespace SocketServer.Core;

/// <summary>
/// The file a Unix-domain server binds. A server that was killed leaves it behind, and bind then fails with
/// "address in use" although nothing listens: such a stale file is removed first. A file a live server listens on
/// is never touched, nor a path that is not a socket. .NET removes the file itself when the socket that bound it
/// is disposed, so a server that closes normally leaves nothing behind.
/// </summary>
internal static class UnixSocketFile
{
    private const int UnixAddressHeaderBytes = 2; // sun_family; the path follows

    /// <summary>Removes a stale socket file at <paramref name="endPoint"/>'s path, so that binding it can succeed.</summary>
    /// <exception cref="SocketException">
    /// <see cref="SocketError.AddressAlreadyInUse"/>: a server is listening on the path, or the path is not a socket.
    /// </exception>
    public static void RemoveIfStale(UnixDomainSocketEndPoint endPoint, SocketType type)
    {
        if (PathOf(endPoint) is not { } path || !File.Exists(path) && !Directory.Exists(path))
        {
            return;
        }

        switch (UnixFileType.IsSocket(path))
        {
            case false:
                throw new SocketException((int)SocketError.AddressAlreadyInUse, $"{path} exists and is not a socket; remove it or choose another path");
            case null:
                throw new SocketException((int)SocketError.AddressAlreadyInUse, $"{path} exists and this system cannot tell whether it is a stale socket; remove it if no server uses it");
        }

        if (IsServed(endPoint, type))
        {
            throw new SocketException((int)SocketError.AddressAlreadyInUse, $"a server is already listening on {path}");
        }

        File.Delete(path);
    }

    // The path in the file system, or null for an address in Linux's abstract namespace (no file).
    private static string? PathOf(UnixDomainSocketEndPoint endPoint)
    {
        var address = endPoint.Serialize();
        return address.Size > UnixAddressHeaderBytes && address[UnixAddressHeaderBytes] != 0 ? endPoint.ToString() : null;
    }

    // Only a refused connection proves nobody listens: anything else (connected, a full backlog, a socket of the
    // other type, no permission) is treated as a live server's.
    private static bool IsServed(UnixDomainSocketEndPoint endPoint, SocketType type)
    {
        using var probe = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified) { Blocking = false };
        try
        {
            probe.Connect(endPoint);
            return true;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode != SocketError.ConnectionRefused;
        }
    }
}
