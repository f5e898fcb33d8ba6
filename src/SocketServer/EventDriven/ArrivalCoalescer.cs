namespace SocketServer.EventDriven;

/// <summary>
/// Decides when an event loop under load pauses before its next wait, and for how long, so that the next round
/// finds more connections ready: a loop that sleeps after every round of one or two requests pays a wake-up for each
/// of them, and on a busy server those wake-ups are most of its CPU. A NIC's adaptive interrupt moderation does the
/// same for packets.
/// </summary>
/// <remarks>
/// <para>Each window (one tick of the round clock, a millisecond or more) sets the pause for the next from two
/// figures: the time between two connections served (the window's length over the servings it counted) and a
/// client's cycle, the time between one client's requests (that, times the distinct connections served). The pause
/// is long enough to gather <see cref="Gathered"/> connections, but at most a <see cref="CycleInPauses"/>th of the
/// cycle, so that it adds at most a quarter to it, and at most the configured longest pause. It engages only when
/// that pause would gather <see cref="MinGathered"/> connections or more and lasts <see cref="ShortestPause"/> or
/// more. So fewer than <see cref="MinGathered"/> × <see cref="CycleInPauses"/> clients never wait, however fast: each
/// has nothing more to send until it has read its reply, and a pause would only be added to their every request; nor
/// do a few fast ones whose quarter cycle is shorter than <see cref="ShortestPause"/>, nor a quiet server. A round
/// that served <see cref="LargeRound"/> connections or more shared its wake-up well and is not followed by a
/// pause.</para>
/// <para>Threading: used by the loop's thread only.</para>
/// </remarks>
internal sealed class ArrivalCoalescer
{
    /// <summary>Connections one pause must be expected to gather: one doubles a round of one.</summary>
    public const int MinGathered = 1;

    /// <summary>Connections a pause is long enough to gather, when the cycle and the longest pause allow it.</summary>
    public const int Gathered = 16;

    /// <summary>Pauses the time between one client's requests must span at least.</summary>
    public const int CycleInPauses = 4;

    /// <summary>A round that served this many connections or more is not followed by a pause.</summary>
    public const int LargeRound = 8;

    /// <summary>
    /// The shortest pause: a shorter sleep often overruns by as much again (a timer's wake-up, a virtual machine's
    /// scheduling), and a few fast clients then lose more than a quarter of their cycle.
    /// </summary>
    public static readonly TimeSpan ShortestPause = TimeSpan.FromMicroseconds(50);

    private readonly long _longestMicroseconds;
    private readonly long _shortestMicroseconds;
    private long _windowStart;
    private int _windowConnections;
    private long _windowServed;

    /// <param name="longest">The longest pause; <see cref="TimeSpan.Zero"/> never pauses.</param>
    /// <param name="now">The round clock's time, in milliseconds.</param>
    public ArrivalCoalescer(TimeSpan longest, long now)
    {
        _longestMicroseconds = (long)longest.TotalMicroseconds;
        _shortestMicroseconds = Math.Min(_longestMicroseconds, (long)ShortestPause.TotalMicroseconds);
        _windowStart = now;
    }

    /// <summary>How long a pause lasts now, as the last window set it; zero while it is not engaged.</summary>
    public TimeSpan Pause { get; private set; }

    /// <summary>The current window's number: a connection served in it is counted once, see <see cref="CountServed"/>.</summary>
    public long Window { get; private set; }

    /// <summary>Whether the loop pauses at all.</summary>
    public bool Enabled => _longestMicroseconds > 0;

    /// <summary>Counts a connection served in this window, unless <paramref name="lastWindow"/>, its own record, says it was already.</summary>
    public void CountServed(ref long lastWindow)
    {
        if (lastWindow != Window)
        {
            lastWindow = Window;
            _windowConnections++;
        }
    }

    /// <summary>Ends a round; true when the loop should pause for <see cref="Pause"/> before its next wait.</summary>
    /// <param name="now">The round clock's time, in milliseconds.</param>
    /// <param name="served">Connections the round served.</param>
    public bool ShouldPause(long now, int served)
    {
        if (!Enabled)
        {
            return false;
        }

        _windowServed += served;
        if (now > _windowStart)
        {
            Pause = TimeSpan.FromMicroseconds(NextPauseMicroseconds((now - _windowStart) * 1_000));
            _windowStart = now;
            _windowServed = 0;
            _windowConnections = 0;
            Window++;
        }

        return Pause > TimeSpan.Zero && served is > 0 and < LargeRound;
    }

    private long NextPauseMicroseconds(long elapsedMicroseconds)
    {
        if (_windowServed == 0)
        {
            return 0;
        }

        // Between two connections served: elapsed ÷ served. A client's cycle: connections × elapsed ÷ served.
        var between = (double)elapsedMicroseconds / _windowServed;
        var pause = Math.Min(Math.Min(Gathered * between, _windowConnections * between / CycleInPauses), _longestMicroseconds);
        return pause >= MinGathered * between && pause >= _shortestMicroseconds ? (long)pause : 0;
    }
}
