using System.Diagnostics.CodeAnalysis;

namespace SocketServer.Sessions;

/// <summary>
/// Keeps one kind of log line from flooding the log: at most <see cref="PerSecond"/> lines a second go through,
/// the rest are counted and reported once, as one summary, when their second is over. For events a client can
/// cause at will (bad input, plain text on a TLS port), which an operator must see but a client must not be able
/// to turn into a flood.
/// </summary>
/// <remarks>Thread-safe; meant to be shared by every connection of a server. Cheap when unused: it is called only
/// when the event happens.</remarks>
[SuppressMessage("Design", "CA1001", Justification = "Its timer is armed only while a summary is due, and fires within a second.")]
public sealed class LogThrottle
{
    /// <summary>The default <see cref="PerSecond"/>: 5.</summary>
    public const int DefaultPerSecond = 5;

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Action<long> _logSkipped;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private long _windowStart;
    private int _logged;
    private long _skipped;

    /// <summary>Creates a throttle that reports the lines it held back through <paramref name="logSkipped"/>.</summary>
    /// <param name="logSkipped">Logs the summary, given how many lines were held back; called on a timer thread.</param>
    /// <param name="perSecond">Lines let through each second.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public LogThrottle(Action<long> logSkipped, int perSecond = DefaultPerSecond, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(logSkipped);
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        _logSkipped = logSkipped;
        PerSecond = perSecond;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Lines let through each second.</summary>
    public int PerSecond { get; }

    /// <summary>
    /// Call when the event happens: true means log it; false means it was counted for the summary. A summary still
    /// due from an earlier second is reported first.
    /// </summary>
    public bool TryLog()
    {
        long overdue = 0;
        bool allowed;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (_windowStart == 0 || _time.GetElapsedTime(_windowStart, now) >= Window)
            {
                (overdue, _skipped, _logged, _windowStart) = (_skipped, 0, 0, now);
            }

            allowed = _logged < PerSecond;
            if (allowed)
            {
                _logged++;
            }
            else if (_skipped++ == 0)
            {
                // The summary is written when this second ends, even if no event follows.
                var due = Window - _time.GetElapsedTime(_windowStart, now);
                _timer ??= _time.CreateTimer(static s => ((LogThrottle)s!).Flush(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }

        if (overdue > 0)
        {
            _logSkipped(overdue);
        }

        return allowed;
    }

    private void Flush()
    {
        long skipped;
        lock (_lock)
        {
            (skipped, _skipped) = (_skipped, 0);
        }

        if (skipped > 0)
        {
            try
            {
                _logSkipped(skipped);
            }
            catch (ObjectDisposedException)
            {
                // The logger went away with its server within the last second; a throw here would end the process.
            }
        }
    }
}
