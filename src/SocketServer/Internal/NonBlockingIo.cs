using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SocketServer.Internal;

/// <summary>
/// <c>recv</c> and <c>send</c> on a non-blocking socket's descriptor, straight to libc: the epoll loop's two
/// calls per request, without the checks and handle reference counting of <see cref="Socket.Receive(Span{byte}, SocketFlags, out SocketError)"/>,
/// which the loop does not need (it alone uses and closes its connections' sockets). Linux only.
/// </summary>
internal static unsafe partial class NonBlockingIo
{
    // MSG_NOSIGNAL: a send to a peer that is gone fails with EPIPE instead of raising SIGPIPE.
    private const int NoSignal = 0x4000;

    /// <summary>Receives into <paramref name="buffer"/>: the byte count (0 at end of input), or -1 with <paramref name="error"/> set.</summary>
    public static int Receive(int fd, Span<byte> buffer, out SocketError error)
    {
        fixed (byte* bytes = buffer)
        {
            while (true)
            {
                var received = recv(fd, bytes, buffer.Length, 0);
                if (received >= 0)
                {
                    error = SocketError.Success;
                    return (int)received;
                }

                if (ToSocketError(Marshal.GetLastPInvokeError()) is var failure and not SocketError.Interrupted)
                {
                    error = failure;
                    return -1;
                }
            }
        }
    }

    /// <summary>Sends what the socket takes of <paramref name="bytes"/>: the byte count, or -1 with <paramref name="error"/> set.</summary>
    public static int Send(int fd, ReadOnlySpan<byte> bytes, out SocketError error)
    {
        fixed (byte* data = bytes)
        {
            while (true)
            {
                var sent = send(fd, data, bytes.Length, NoSignal);
                if (sent >= 0)
                {
                    error = SocketError.Success;
                    return (int)sent;
                }

                if (ToSocketError(Marshal.GetLastPInvokeError()) is var failure and not SocketError.Interrupted)
                {
                    error = failure;
                    return -1;
                }
            }
        }
    }

    /// <summary>Sets O_NONBLOCK on <paramref name="fd"/> if it is not set, without giving .NET's socket a say.</summary>
    public static void MakeNonBlocking(int fd)
    {
        const int GetStatusFlags = 3;
        const int SetStatusFlags = 4;
        const int NonBlocking = 0x800;
        var flags = fcntl(fd, GetStatusFlags, 0);
        if (flags < 0 || ((flags & NonBlocking) == 0 && fcntl(fd, SetStatusFlags, flags | NonBlocking) < 0))
        {
            throw new SocketException((int)ToSocketError(Marshal.GetLastPInvokeError()));
        }
    }

    /// <summary>
    /// A Linux errno as a <see cref="SocketError"/>: the ones a connected or listening TCP socket can report,
    /// the rest as a generic error.
    /// </summary>
    public static SocketError ToSocketError(int errno) => errno switch
    {
        4 => SocketError.Interrupted,
        11 => SocketError.WouldBlock,
        12 or 105 => SocketError.NoBufferSpaceAvailable,
        23 or 24 => SocketError.TooManyOpenSockets,
        32 => SocketError.Shutdown,
        101 => SocketError.NetworkUnreachable,
        103 => SocketError.ConnectionAborted,
        104 => SocketError.ConnectionReset,
        107 => SocketError.NotConnected,
        110 => SocketError.TimedOut,
        113 => SocketError.HostUnreachable,
        _ => SocketError.SocketError,
    };

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, byte* buffer, nint length, int flags);
}
