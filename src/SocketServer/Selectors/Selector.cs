using System.Net.Sockets;

namespace SocketServer.Selectors;

/// <summary>
/// Waits until some of many sockets are ready, as Python's <c>selectors</c> module does: register each socket
/// with what to watch it for and a token of the caller's choosing, then <see cref="Select"/> reports the tokens of
/// the ready ones. <see cref="SocketSelector"/> runs over <see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>
/// anywhere; <see cref="EpollSelector"/> over Linux's epoll, where a wait costs the same with ten sockets or ten
/// thousand.
/// </summary>
/// <remarks>
/// Threading: <see cref="Select"/> from one thread at a time. Whether registrations may change from another
/// thread during a <see cref="Select"/> depends on the selector (<see cref="EpollSelector"/>: yes; <see cref="SocketSelector"/>: no).
/// Ownership: a selector never owns or closes the sockets registered with it.
/// </remarks>
public abstract class Selector : IDisposable
{
    /// <summary>Starts watching <paramref name="socket"/> for <paramref name="interest"/>; events carry <paramref name="token"/>.</summary>
    /// <exception cref="InvalidOperationException">The socket is registered already, or the system refused (out of memory or of epoll watches).</exception>
    public abstract void Register(Socket socket, SelectorEvents interest, ulong token);

    /// <summary>Changes what a registered socket is watched for, and its token.</summary>
    public abstract void Modify(Socket socket, SelectorEvents interest, ulong token);

    /// <summary>Stops watching <paramref name="socket"/>. A socket already closed is allowed: closing it stopped the watch.</summary>
    public abstract void Unregister(Socket socket);

    /// <summary>
    /// Waits until at least one registered socket is ready or <paramref name="timeout"/> passes (null: forever;
    /// zero: just look), writes the ready ones to <paramref name="ready"/> and returns how many (0 on timeout, or when
    /// a signal interrupted the wait).
    /// </summary>
    public abstract int Select(Span<SelectorEvent> ready, TimeSpan? timeout);

    /// <summary>Releases the selector (not the sockets).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The best selector here: <see cref="EpollSelector"/> on Linux, <see cref="SocketSelector"/> elsewhere (Python's <c>DefaultSelector</c>).</summary>
    public static Selector CreateDefault() => OperatingSystem.IsLinux() ? new EpollSelector() : new SocketSelector();

    /// <summary>Releases what the selector holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Milliseconds for a system call's timeout: -1 for forever, rounded up so a wait never ends early.</summary>
    private protected static int Milliseconds(TimeSpan? timeout) => timeout is not { } t
        ? -1
        : (int)Math.Clamp(Math.Ceiling(t.TotalMilliseconds), 0, int.MaxValue);
}
