using SocketServer.Sessions;

namespace SocketServer.Internal;

/// <summary>
/// The deadline of one connection under <see cref="ConnectionTimeouts"/>: the idle bound while nothing is in
/// flight, the stall bound while a message or reply is, restarted by every bit of progress.
/// </summary>
/// <remarks>
/// Updated by the one thread serving the connection at a time; <see cref="Remaining"/> may also be read from
/// another (a <see cref="DeadlineSweeper"/>). Update publishes the start time before the state and Remaining
/// reads them the other way round, so a reader that sees a new state also sees its start time.
/// </remarks>
internal class ProgressClock(ConnectionTimeouts timeouts)
{
    private long _since = Environment.TickCount64;
    private bool _inFlight;

    /// <summary>Why the connection would be closed at the deadline, for the log.</summary>
    public string Reason => Volatile.Read(ref _inFlight) ? "made no progress" : "was idle";

    /// <summary>The bound in force now.</summary>
    public TimeSpan Bound => Volatile.Read(ref _inFlight) ? timeouts.Stall : timeouts.Idle;

    /// <summary>Records the connection's state after some work: whether anything is in flight, and whether it progressed.</summary>
    public void Update(bool inFlight, bool progressed)
    {
        if (progressed || inFlight != _inFlight)
        {
            Volatile.Write(ref _since, Environment.TickCount64);
        }

        Volatile.Write(ref _inFlight, inFlight);
    }

    /// <summary>Time left before the deadline; null when no bound applies; zero or less when it has passed.</summary>
    public TimeSpan? Remaining()
    {
        var bound = Bound;
        if (bound <= TimeSpan.Zero)
        {
            return null;
        }

        return bound - TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _since));
    }
}
