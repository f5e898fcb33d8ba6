using System.Diagnostics;

namespace SharedList.Metrics;

/// <summary>
/// Times one connection's batch from its receipt to its replies being ready, after the commit, for
/// <see cref="ListMeter.RequestDuration"/>: the one place both protocols' sessions measure a request.
/// </summary>
/// <remarks>A field of one session; not thread-safe. Reads the clock only while someone listens to the histogram.</remarks>
internal struct BatchClock
{
    // Stopwatch ticks when the batch whose replies are not yet ready was received; 0 when none, or nobody listens.
    private long _received;

    /// <summary>Starts the clock when <paramref name="hasInput"/> and no batch is being timed.</summary>
    public void Receiving(bool hasInput)
    {
        if (_received == 0 && hasInput && ListMeter.RequestDuration.Enabled)
        {
            _received = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Records the batch being timed once <paramref name="repliesReady"/>: an unfinished request keeps the clock running.</summary>
    public void Answered(bool repliesReady)
    {
        if (_received != 0 && repliesReady)
        {
            ListMeter.RequestDuration.Record(Stopwatch.GetElapsedTime(_received).TotalSeconds);
            _received = 0;
        }
    }
}
