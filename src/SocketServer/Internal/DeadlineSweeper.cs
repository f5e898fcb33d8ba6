using System.Net.Sockets;
using SocketServer.Sessions;

namespace SocketServer.Internal;

/// <summary>
/// Enforces the <see cref="Sessions.ConnectionTimeouts"/> of many connections from one thread: every
/// <see cref="Interval"/> it looks at each connection's <see cref="ProgressClock"/> and aborts those past their
/// deadline. Arming a timer (and registering a cancellation) around every receive and send instead cost the
/// async model two timer updates per request, on its hottest path; Kestrel and Redis sweep the same way.
/// </summary>
/// <remarks>
/// <para>Thread-safe. A deadline is met within one <see cref="Interval"/>.</para>
/// <para>The sweeps run on a thread of their own, not on a timer: a timer's callback wakes a thread-pool
/// worker, which then spins (<c>sched_yield</c>) looking for more work before it sleeps again. Twenty ticks a
/// second cost about 2,000 system calls and 2,000 context switches a second that way, on the core the server
/// is serving from; a thread of its own wakes, sweeps and sleeps.</para>
/// </remarks>
internal sealed class DeadlineSweeper : IDisposable
{
    /// <summary>How often deadlines are checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly Lock _lock = new();
    private readonly HashSet<WatchedConnection> _watched = [];
    private readonly List<WatchedConnection> _sweep = [];

    // No spinning before it blocks: a stop is rare and a sweep is never urgent.
    private readonly ManualResetEventSlim _stopping = new(initialState: false, spinCount: 0);
    private readonly Thread _thread;

    public DeadlineSweeper()
    {
        _thread = new Thread(SweepUntilStopped) { IsBackground = true, Name = "Deadline sweeper" };
        _thread.Start();
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

    /// <summary>Stops sweeping; a sweep under way finishes first.</summary>
    public void Dispose()
    {
        if (_stopping.IsSet)
        {
            return;
        }

        _stopping.Set();

        // Never called from a sweep today; if it were, joining would wait for itself.
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
            _stopping.Dispose();
        }
    }

    internal void Unwatch(WatchedConnection watched)
    {
        lock (_lock)
        {
            _watched.Remove(watched);
        }
    }

    private void SweepUntilStopped()
    {
        while (!_stopping.Wait(Interval))
        {
            Sweep();
        }
    }

    private void Sweep()
    {
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
