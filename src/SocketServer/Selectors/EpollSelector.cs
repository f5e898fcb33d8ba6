using System.Net.Sockets;
using System.Runtime.InteropServices;
using SocketServer.Internal;

namespace SocketServer.Selectors;

/// <summary>
/// A <see cref="Selector"/> over Linux's epoll (Python's <c>EpollSelector</c>): the kernel keeps the watch list, so
/// registering costs one system call per socket and a wait costs the same however many are watched. Level-triggered
/// unless a registration asks for <see cref="SelectorEvents.EdgeTriggered"/>. Linux only.
/// </summary>
/// <remarks>
/// Threading: <see cref="Select"/> from one thread; <see cref="Register"/>, <see cref="Modify"/> and
/// <see cref="Unregister"/> from any thread, also during a <see cref="Select"/> (epoll allows it). Dispose only once
/// no <see cref="Select"/> runs.
/// </remarks>
public sealed unsafe class EpollSelector : Selector
{
    private readonly int _epoll;
    private byte* _events;
    private int _capacity;
    private int _disposed;

    /// <summary>Creates the epoll instance.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public EpollSelector()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("EpollSelector needs Linux's epoll; use SocketSelector elsewhere.");
        }

        _epoll = Epoll.Create();
    }

    /// <inheritdoc />
    public override void Register(Socket socket, SelectorEvents interest, ulong token)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Epoll.Add(_epoll, Descriptor(socket), ToEpoll(interest), token);
    }

    /// <inheritdoc />
    public override void Modify(Socket socket, SelectorEvents interest, ulong token)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Epoll.Modify(_epoll, Descriptor(socket), ToEpoll(interest), token);
    }

    /// <inheritdoc />
    public override void Unregister(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!socket.SafeHandle.IsClosed)
        {
            Epoll.TryDelete(_epoll, Descriptor(socket));
        }
    }

    /// <inheritdoc />
    public override int Select(Span<SelectorEvent> ready, TimeSpan? timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (ready.IsEmpty)
        {
            throw new ArgumentException("There must be room for at least one event.", nameof(ready));
        }

        if (ready.Length > _capacity)
        {
            _events = (byte*)NativeMemory.Realloc(_events, (nuint)(ready.Length * Epoll.EventSize));
            _capacity = ready.Length;
        }

        var count = Epoll.Wait(_epoll, _events, ready.Length, Milliseconds(timeout));
        for (var i = 0; i < count; i++)
        {
            ready[i] = new SelectorEvent(Epoll.DataAt(_events, i), FromEpoll(Epoll.EventsAt(_events, i)));
        }

        return count;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Epoll.Close(_epoll);
            NativeMemory.Free(_events);
            _events = null;
        }

        base.Dispose(disposing);
    }

    private static int Descriptor(Socket socket) => (int)socket.Handle;

    private static uint ToEpoll(SelectorEvents interest)
    {
        var events = 0u;
        events |= (interest & SelectorEvents.Read) != 0 ? Epoll.In : 0;
        events |= (interest & SelectorEvents.Write) != 0 ? Epoll.Out : 0;
        events |= (interest & SelectorEvents.PeerClosed) != 0 ? Epoll.PeerHalfClosed : 0;
        events |= (interest & SelectorEvents.EdgeTriggered) != 0 ? Epoll.EdgeTriggered : 0;
        return events;
    }

    private static SelectorEvents FromEpoll(uint events)
    {
        var result = SelectorEvents.None;
        result |= (events & Epoll.In) != 0 ? SelectorEvents.Read : 0;
        result |= (events & Epoll.Out) != 0 ? SelectorEvents.Write : 0;
        result |= (events & Epoll.Error) != 0 ? SelectorEvents.Error : 0;
        result |= (events & Epoll.HangUp) != 0 ? SelectorEvents.HangUp : 0;
        result |= (events & Epoll.PeerHalfClosed) != 0 ? SelectorEvents.PeerClosed : 0;
        return result;
    }
}
