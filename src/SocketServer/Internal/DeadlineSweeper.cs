using System.Net.Sockets;
using SocketServer.Sessions;

namespace SocketServer.Internal;

/// <summary>
/// Enforces the <see cref="Sessions.ConnectionTimeouts"/> of many connections from one timer: every
/// <see cref="Interval"/> it looks at each connection's <see cref="ProgressClock"/> and aborts those past their
/// deadline. Arming a timer (and registering a cancellation) around every receive and send instead cost the
/// async model two timer updates per request, on its hottest path; Kestrel and Redis sweep the same way.
/// </summary>
/// <remarks>Thread-safe. A deadline is met within one <see cref="Interval"/>.</remarks>
internal sealed class DeadlineSweeper : IDisposable
{
    /// <summary>How often deadlines are checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly Lock _lock = new();
    private readonly HashSet<WatchedConnection> _watched = [];
    private readonly List<WatchedConnection> _sweep = [];
    private readonly Timer _timer;

    public DeadlineSweeper()
    {
        _timer = new Timer(_ => Sweep(), null, Interval, Interval);
    }

    /// <summary>
    /// Starts watching a connection under <paramref name="timeouts"/>; the result is its clock, to update as it
    /// works, and is disposed when the connection ends.
    /// </summary>
    public WatchedConnection Watch(ConnectionTimeouts timeouts, Socket socket)
    {
        var watched = new WatchedConnection(this, timeouts, socket);
        lock (_lock)
        {
            _watched.Add(watched);
        }

        return watched;
    }

    public void Dispose() => _timer.Dispose();

    internal void Unwatch(WatchedConnection watched)
    {
        lock (_lock)
        {
            _watched.Remove(watched);
        }
    }

    private void Sweep()
    {
        // One sweep at a time: a slow one (thousands of connections) is not overlapped by the next tick.
        if (!Monitor.TryEnter(_sweep))
        {
            return;
        }

        try
        {
            lock (_lock)
            {
                _sweep.AddRange(_watched);
            }

            foreach (var watched in _sweep)
            {
                if (watched.Remaining() <= TimeSpan.Zero)
                {
                    watched.Expire();
                }
            }
        }
        finally
        {
            _sweep.Clear();
            Monitor.Exit(_sweep);
        }
    }
}

/// <summary>One connection a <see cref="DeadlineSweeper"/> watches, and its clock.</summary>
/// <remarks>The clock and the watch are one object: one less per connection, of which there may be many idle.</remarks>
internal sealed class WatchedConnection(DeadlineSweeper sweeper, ConnectionTimeouts timeouts, Socket socket)
    : ProgressClock(timeouts), IDisposable
{
    private int _expired;

    /// <summary>True once the deadline passed and the connection was aborted for it.</summary>
    public bool Expired => Volatile.Read(ref _expired) != 0;

    /// <summary>
    /// Aborts the connection: its pending receive ends (end of input) and a pending send fails, so its owner runs
    /// its normal close path and can tell from <see cref="Expired"/> why.
    /// </summary>
    public void Expire()
    {
        if (Interlocked.Exchange(ref _expired, 1) != 0)
        {
            return;
        }

        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed meanwhile by its owner.
        }
    }

    public void Dispose() => sweeper.Unwatch(this);
}
