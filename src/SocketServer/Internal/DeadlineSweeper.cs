namespace SocketServer.Internal;

/// <summary>
/// Enforces the deadlines of many connections from one thread: every <see cref="Interval"/> it expires the
/// connections past theirs, and reports the stalls that are due. A timer armed around every receive and send would
/// cost the hot path two timer updates per request; Kestrel and Redis sweep the same way.
/// </summary>
/// <remarks>
/// Thread-safe; a deadline is met within one <see cref="Interval"/>. A thread of its own, not a timer: a timer's
/// tick wakes a thread-pool worker, which then spins looking for work (docs/BENCHMARKS.md).
/// </remarks>
internal sealed class DeadlineSweeper : IDisposable
{
    /// <summary>How often deadlines are checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly Lock _lock = new();
    private readonly HashSet<IDeadlineWatched> _watched = [];
    private readonly List<IDeadlineWatched> _sweep = [];

    // No spinning before it blocks: a stop is rare and a sweep is never urgent.
    private readonly ManualResetEventSlim _stopping = new(initialState: false, spinCount: 0);
    private readonly Thread _thread;

    public DeadlineSweeper()
    {
        _thread = new Thread(SweepUntilStopped) { IsBackground = true, Name = "Deadline sweeper" };
        _thread.Start();
    }

    /// <summary>Starts watching <paramref name="watched"/> until <see cref="Unwatch"/>.</summary>
    public void Watch(IDeadlineWatched watched)
    {
        lock (_lock)
        {
            _watched.Add(watched);
        }
    }

    public void Unwatch(IDeadlineWatched watched)
    {
        lock (_lock)
        {
            _watched.Remove(watched);
        }
    }

    /// <summary>Stops sweeping; a sweep under way finishes first.</summary>
    public void Dispose()
    {
        if (_stopping.IsSet)
        {
            return;
        }

        _stopping.Set();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
            _stopping.Dispose();
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

            var now = Environment.TickCount64;
            foreach (var watched in _sweep)
            {
                if (watched.Deadline <= now)
                {
                    watched.Expire();
                }
                else if (watched.StallNoticeAt <= now)
                {
                    watched.NoticeStall(now);
                }
            }
        }
        finally
        {
            _sweep.Clear();
        }
    }
}
