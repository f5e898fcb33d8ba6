namespace SocketServer.EventDriven;

/// <summary>
/// Decides when an event loop under load pauses before its next wait, so that the next round finds more
/// connections ready: a loop that sleeps after every round of one or two requests pays a wake-up for each of them,
/// and on a busy server those wake-ups are most of its CPU. A NIC's interrupt coalescing does the same for packets.
/// </summary>
/// <remarks>
/// <para>It engages only when a pause gathers something and costs the clients little. Over the last window (one tick
/// of the round clock, a millisecond or more), the rate at which connections were served must bring at least
/// <see cref="MinGathered"/> within one pause; and the connections served in the window, divided by that rate (the
/// time between one client's requests), must span at least <see cref="CycleInPauses"/> pauses, so that a pause adds
/// at most a quarter to it. So fewer than <see cref="MinGathered"/> × <see cref="CycleInPauses"/> clients never
/// wait, however fast: each has nothing more to send until it has read its reply, and a pause would only be added
/// to their every request. Nor does a quiet server. A round that served <see cref="LargeRound"/> connections or more
/// shared its wake-up well and is not followed by a pause.</para>
/// <para>Threading: used by the loop's thread only.</para>
/// </remarks>
internal sealed class ArrivalCoalescer
{
    /// <summary>Connections one pause must be expected to gather, at the last window's rate: one doubles a round of one.</summary>
    public const int MinGathered = 1;

    /// <summary>Pauses the time between one client's requests must span at least.</summary>
    public const int CycleInPauses = 4;

    /// <summary>A round that served this many connections or more is not followed by a pause.</summary>
    public const int LargeRound = 8;

    private readonly long _pauseMicroseconds;
    private long _windowStart;
    private int _windowConnections;
    private long _windowServed;
    private bool _engaged;

    /// <param name="pause">How long one pause lasts; <see cref="TimeSpan.Zero"/> never pauses.</param>
    /// <param name="now">The round clock's time, in milliseconds.</param>
    public ArrivalCoalescer(TimeSpan pause, long now)
    {
        Pause = pause;
        _pauseMicroseconds = (long)pause.TotalMicroseconds;
        _windowStart = now;
    }

    /// <summary>How long one pause lasts.</summary>
    public TimeSpan Pause { get; }

    /// <summary>The current window's number: a connection served in it is counted once, see <see cref="CountServed"/>.</summary>
    public long Window { get; private set; }

    /// <summary>Whether the loop pauses at all.</summary>
    public bool Enabled => _pauseMicroseconds > 0;

    /// <summary>Counts a connection served in this window, unless <paramref name="lastWindow"/>, its own record, says it was already.</summary>
    public void CountServed(ref long lastWindow)
    {
        if (lastWindow != Window)
        {
            lastWindow = Window;
            _windowConnections++;
        }
    }

    /// <summary>Ends a round; true when the loop should pause before its next wait.</summary>
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
            // Gathered per pause: served × pause ÷ elapsed. A client's cycle: connections × elapsed ÷ served.
            var elapsedMicroseconds = (now - _windowStart) * 1_000;
            var gatheredTimesElapsed = _windowServed * _pauseMicroseconds;
            _engaged = gatheredTimesElapsed >= MinGathered * elapsedMicroseconds
                && _windowConnections * elapsedMicroseconds >= CycleInPauses * gatheredTimesElapsed;
            _windowStart = now;
            _windowServed = 0;
            _windowConnections = 0;
            Window++;
        }

        return _engaged && served is > 0 and < LargeRound;
    }
}
