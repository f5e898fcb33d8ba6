using System.Net.Sockets;

namespace SocketServer.Selectors;

/// <summary>
/// A <see cref="Selector"/> over <see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>,
/// the lab's <c>select</c> (Python's <c>SelectSelector</c>): every wait hands the whole list of sockets to the
/// kernel, so it suits a few hundred. Level-triggered; runs anywhere.
/// </summary>
/// <remarks>Threading: one thread at a time, for <see cref="Select"/> and registrations alike.</remarks>
public sealed class SocketSelector : Selector
{
    private readonly Dictionary<Socket, (SelectorEvents Interest, ulong Token)> _registered = [];
    private readonly List<Socket> _read = [];
    private readonly List<Socket> _write = [];
    private readonly Dictionary<Socket, int> _merged = [];

    /// <inheritdoc />
    public override void Register(Socket socket, SelectorEvents interest, ulong token)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Refuse(interest);
        if (!_registered.TryAdd(socket, (interest, token)))
        {
            throw new InvalidOperationException("The socket is registered already.");
        }
    }

    /// <inheritdoc />
    public override void Modify(Socket socket, SelectorEvents interest, ulong token)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Refuse(interest);
        if (!_registered.ContainsKey(socket))
        {
            throw new InvalidOperationException("The socket is not registered.");
        }

        _registered[socket] = (interest, token);
    }

    /// <inheritdoc />
    public override void Unregister(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _registered.Remove(socket);
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">A registered socket was closed without being unregistered.</exception>
    public override int Select(Span<SelectorEvent> ready, TimeSpan? timeout)
    {
        if (ready.IsEmpty)
        {
            throw new ArgumentException("There must be room for at least one event.", nameof(ready));
        }

        _read.Clear();
        _write.Clear();
        foreach (var (socket, (interest, _)) in _registered)
        {
            if ((interest & SelectorEvents.Read) != 0)
            {
                _read.Add(socket);
            }

            if ((interest & SelectorEvents.Write) != 0)
            {
                _write.Add(socket);
            }
        }

        var milliseconds = Milliseconds(timeout);
        if (_read.Count == 0 && _write.Count == 0)
        {
            // select() with no socket is a sleep; Socket.Select refuses empty lists.
            Thread.Sleep(milliseconds);
            return 0;
        }

        Socket.Select(_read.Count > 0 ? _read : null, _write.Count > 0 ? _write : null, null, milliseconds < 0 ? -1 : (int)Math.Min(int.MaxValue, milliseconds * 1000L));
        return Report(ready);
    }

    // One event per socket, its readability and writability together.
    private int Report(Span<SelectorEvent> ready)
    {
        _merged.Clear();
        var count = Add(ready, 0, _read, SelectorEvents.Read);
        return Add(ready, count, _write, SelectorEvents.Write);
    }

    private int Add(Span<SelectorEvent> ready, int count, List<Socket> found, SelectorEvents events)
    {
        foreach (var socket in found)
        {
            if (_merged.TryGetValue(socket, out var index))
            {
                ready[index] = ready[index] with { Events = ready[index].Events | events };
            }
            else if (count < ready.Length)
            {
                _merged[socket] = count;
                ready[count++] = new SelectorEvent(_registered[socket].Token, events);
            }
        }

        return count;
    }

    private static void Refuse(SelectorEvents interest)
    {
        if ((interest & (SelectorEvents.PeerClosed | SelectorEvents.EdgeTriggered)) != 0)
        {
            throw new NotSupportedException("select reports readability and writability only; PeerClosed and EdgeTriggered need EpollSelector.");
        }
    }
}
