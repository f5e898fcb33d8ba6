using System.Net.Sockets;
using System.Runtime.InteropServices;
using SocketServer.Internal;

namespace SocketServer.Core;

/// <summary>
/// Accepts from a non-blocking listener a connection that really blocks. .NET gives an accepted socket its
/// listener's non-blocking mode at the descriptor, which <see cref="Socket.Blocking"/> = true does not undo: each
/// "blocking" receive then waits through the runtime's epoll thread, two context switches per message instead of
/// one (docs/BENCHMARKS.md). <c>accept4</c> without <c>SOCK_NONBLOCK</c> returns a descriptor that blocks.
/// </summary>
/// <remarks>Linux only; elsewhere <see cref="TryAccept"/> is <see cref="Socket.Accept"/> then <c>Blocking = true</c>.</remarks>
internal static unsafe partial class BlockingAccept
{
    private const int CloseOnExec = 0x80000;

    /// <summary>The next queued connection as a blocking socket, or null when none is queued.</summary>
    /// <exception cref="SocketException">The accept failed (out of descriptors, say).</exception>
    /// <exception cref="ObjectDisposedException">The listener was closed.</exception>
    public static Socket? TryAccept(Socket listener)
    {
        if (!OperatingSystem.IsLinux())
        {
            return AcceptPortably(listener);
        }

        var handle = listener.SafeHandle;
        var added = false;
        try
        {
            // Held across the call so a concurrent close cannot hand the descriptor number to another file.
            handle.DangerousAddRef(ref added);
            var listenerFd = (int)handle.DangerousGetHandle();
            while (true)
            {
                var fd = accept4(listenerFd, null, null, CloseOnExec);
                if (fd >= 0)
                {
                    return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
                }

                var errno = Marshal.GetLastPInvokeError();
                switch (NonBlockingIo.ToSocketError(errno))
                {
                    case SocketError.Interrupted:
                        continue;
                    case SocketError.WouldBlock:
                        return null;
                    case var error:
                        throw new SocketException((int)error, $"accept failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static Socket? AcceptPortably(Socket listener)
    {
        Socket accepted;
        try
        {
            accepted = listener.Accept();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            return null;
        }

        accepted.Blocking = true;
        return accepted;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int accept4(int fd, void* address, void* addressLength, int flags);
}
