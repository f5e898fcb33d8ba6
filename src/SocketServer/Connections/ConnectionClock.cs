using SocketServer.Sessions;

namespace SocketServer.Connections;

/// <summary>
/// The deadline of one connection, the one rule of every model: a connection that neither sends nor reads for
/// the idle bound is closed; one with something in flight (a message unfinished, replies unsent) that makes no
/// progress (a message consumed, reply bytes taken) for the stall bound is closed. The deadline is the earlier of
/// the two, so half a message never buys more time than silence. A stall that has also gone quiet (no bytes moved
/// either way) may be reported once, sooner than the stall bound (<see cref="ConnectionTimeouts.StallNotice"/>), so
/// the log can say what is wrong while the client still waits; bytes that keep trickling in put the notice off.
/// </summary>
/// <remarks>
/// Updated by the one thread serving the connection; <see cref="Deadline"/> may be read from another (a sweep).
/// The reason is written before the deadline and read after it, so a reader that sees a deadline sees its reason.
/// The notice is taken once, by whichever thread sees it due first.
/// </remarks>
internal struct ConnectionClock
{
    private readonly long _idle;
    private readonly long _stall;
    private readonly long _notice;
    private long _activityAt;
    private long _progressAt;
    private bool _inFlight;
    private long _deadline;
    private volatile bool _deadlineIsStall;
    private long _noticeAt;
    private int _noticeTaken;

    public ConnectionClock(ConnectionTimeouts timeouts, long now)
    {
        _idle = (long)timeouts.Idle.TotalMilliseconds;
        _stall = (long)timeouts.Stall.TotalMilliseconds;

        // A notice due no sooner than the close itself would say nothing the close line does not.
        var notice = (long)timeouts.StallNotice.TotalMilliseconds;
        _notice = notice > 0 && notice < _stall ? notice : 0;
        _noticeAt = long.MaxValue;
        _activityAt = _progressAt = now;
        _deadline = _idle > 0 ? now + _idle : long.MaxValue;
    }

    /// <summary>Whether any bound is set; when not, updates cost nothing.</summary>
    public readonly bool IsTimed => _idle > 0 || _stall > 0;

    /// <summary>When the connection is to be closed, in <see cref="Environment.TickCount64"/> milliseconds; <see cref="long.MaxValue"/> for never.</summary>
    public long Deadline => Volatile.Read(ref _deadline);

    /// <summary>Why the connection would be closed at the deadline, for the log.</summary>
    public readonly string Reason => _deadlineIsStall ? "made no progress" : "was idle";

    /// <summary>The bound the deadline comes from, for the log.</summary>
    public readonly TimeSpan Bound => TimeSpan.FromMilliseconds(_deadlineIsStall ? _stall : _idle);

    /// <summary>
    /// When a stall is to be reported (<see cref="TryTakeNotice"/>), in <see cref="Environment.TickCount64"/>
    /// milliseconds; <see cref="long.MaxValue"/> when nothing is stalled, or once the notice was taken.
    /// </summary>
    public long NoticeAt => Volatile.Read(ref _noticeTaken) != 0 ? long.MaxValue : Volatile.Read(ref _noticeAt);

    /// <summary>The time without progress after which a stall is reported, for the log.</summary>
    public readonly TimeSpan NoticeBound => TimeSpan.FromMilliseconds(_notice);

    /// <summary>True once per connection, the first time it is called at or after <see cref="NoticeAt"/>.</summary>
    public bool TryTakeNotice(long now) => NoticeAt <= now && Interlocked.Exchange(ref _noticeTaken, 1) == 0;

    /// <summary>
    /// Records what the connection just did: <paramref name="activity"/> when bytes moved either way,
    /// <paramref name="progress"/> when a message was consumed or reply bytes were taken, and whether anything is
    /// in flight now. Something going in flight starts its stall bound.
    /// </summary>
    public void Update(long now, bool activity, bool progress, bool inFlight)
    {
        if (activity)
        {
            _activityAt = now;
        }

        if (progress || (inFlight && !_inFlight))
        {
            _progressAt = now;
        }

        _inFlight = inFlight;
        var idle = _idle > 0 ? _activityAt + _idle : long.MaxValue;
        var stall = inFlight && _stall > 0 ? _progressAt + _stall : long.MaxValue;
        _deadlineIsStall = stall < idle;
        Volatile.Write(ref _deadline, Math.Min(idle, stall));
        if (_notice > 0)
        {
            Volatile.Write(ref _noticeAt, inFlight ? Math.Max(_progressAt, _activityAt) + _notice : long.MaxValue);
        }
    }
}
