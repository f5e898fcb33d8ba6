using System.Runtime.InteropServices;

namespace SocketServer.Internal;

/// <summary>
/// The epoll system calls, for <see cref="Selectors.EpollSelector"/>. Linux only. <c>struct epoll_event</c> is packed
/// on x86-64 (12 bytes, data at offset 4) and naturally aligned elsewhere (16 bytes, data at offset 8), so the
/// events are read from a raw buffer at the offsets of the running architecture.
/// </summary>
internal static unsafe partial class Epoll
{
    public const uint In = 0x001;
    public const uint Out = 0x004;
    public const uint Error = 0x008;
    public const uint HangUp = 0x010;
    public const uint PeerHalfClosed = 0x2000;
    public const uint EdgeTriggered = 1u << 31;

    private const int CtlAdd = 1;
    private const int CtlDelete = 2;
    private const int CtlModify = 3;
    private const int CloseOnExec = 0x80000;

    // EINTR: a signal (the runtime's own, e.g. for GC suspension) interrupted the wait; it is simply retried.
    private const int Interrupted = 4;

    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static int Create()
    {
        var fd = epoll_create1(CloseOnExec);
        return fd >= 0 ? fd : throw new InvalidOperationException($"epoll_create1 failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    public static void Add(int epoll, int fd, uint events, ulong data) => Control(epoll, CtlAdd, fd, events, data);

    public static void Modify(int epoll, int fd, uint events, ulong data) => Control(epoll, CtlModify, fd, events, data);

    public static void Delete(int epoll, int fd) => Control(epoll, CtlDelete, fd, 0, 0);

    /// <summary>Removes <paramref name="fd"/>; one not in the set (or no longer open) is left alone.</summary>
    public static void TryDelete(int epoll, int fd)
    {
        var ev = stackalloc byte[16];
        _ = epoll_ctl(epoll, CtlDelete, fd, ev);
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for events into <paramref name="buffer"/>; returns how many (0 when interrupted).</summary>
    public static int Wait(int epoll, byte* buffer, int maxEvents, int timeoutMilliseconds)
    {
        var count = epoll_wait(epoll, buffer, maxEvents, timeoutMilliseconds);
        if (count >= 0)
        {
            return count;
        }

        return Marshal.GetLastPInvokeError() == Interrupted ? 0 : throw new InvalidOperationException($"epoll_wait failed: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    public static uint EventsAt(byte* buffer, int index) => *(uint*)(buffer + (index * EventSize));

    public static ulong DataAt(byte* buffer, int index) => *(ulong*)(buffer + (index * EventSize) + DataOffset);

    public static void Close(int fd) => _ = close(fd);

    private static void Control(int epoll, int op, int fd, uint events, ulong data)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + DataOffset) = data;
        if (epoll_ctl(epoll, op, fd, ev) != 0)
        {
            throw new InvalidOperationException($"epoll_ctl({op}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
