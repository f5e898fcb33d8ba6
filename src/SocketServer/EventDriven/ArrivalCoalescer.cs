namespace SocketServer.EventDriven;

/// <summary>
/// Decides when an event loop under load pauses before its next wait, so that the next round finds more
/// connections ready: a loop that sleeps after every round of one or two requests pays a wake-up for each of them,
/// and on a busy server those wake-ups are most of its CPU. A NIC's interrupt coalescing does the same for packets.
/// </summary>
/// <remarks>
/// <para>It engages only when pausing gathers something: over the last window (one tick of the round clock, at least
/// a millisecond) at least <see cref="MinConnections"/> different connections were served, and the window's rate of
/// served connections would bring <see cref="MinGathered"/> or more within one pause. One client, or a few, never
/// waits, since a connection whose reply was just sent has nothing more to send until it reads it; nor does a quiet
/// server. A round that already served <see cref="MinConnections"/> or more shared its wake-up well and is not
/// followed by a pause.</para>
/// <para>Threading: used by the loop's thread only.</para>
/// </remarks>
internal sealed class ArrivalCoalescer
{
    /// <summary>Different connections a window must serve before the loop pauses.</summary>
    public const int MinConnections = 8;

    /// <summary>Connections one pause is expected to gather, at the last window's rate, before the loop pauses.</summary>
    public const int MinGathered = 2;

    private readonly long _pauseMicroseconds;
    private long _windowStart;
    private int _windowConnections;
    private long _windowServed;
    private bool _engaged;

    /// <param name="pause">How long one pause lasts; <see cref="TimeSpan.Zero"/> never pauses.</param>
    /// <param name="now">The round clock's time, in milliseconds.</param>
    public ArrivalCoalescer(TimeSpan pause, long now)
    {
        _pauseMicroseconds = (long)pause.TotalMicroseconds;
        _windowStart = now;
    }

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
            // Connections served per pause at this window's rate: served ÷ (elapsed ms × 1,000 µs) × pause µs.
            _engaged = _windowConnections >= MinConnections
                && _windowServed * _pauseMicroseconds >= MinGathered * (now - _windowStart) * 1_000;
            _windowStart = now;
            _windowServed = 0;
            _windowConnections = 0;
            Window++;
        }

        return _engaged && served is > 0 and < MinConnections;
    }
}
