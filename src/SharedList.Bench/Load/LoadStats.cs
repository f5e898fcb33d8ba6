using SharedList.Bench.Histograms;

namespace SharedList.Bench.Load;

/// <summary>
/// What one engine thread (or one async connection) counted. Written by one thread only, with no lock;
/// merged with <see cref="Add"/> once the run is over. <see cref="Completed"/> may be read by another thread
/// while the run goes on (for the progress line): a 64-bit read is never torn, only a little late.
/// </summary>
public sealed class LoadStats
{
    /// <summary>Latency of each reply in the measured window, in nanoseconds, from the write of its batch.</summary>
    public LatencyHistogram Latency { get; } = new();

    /// <summary>Replies in the measured window, expected or not.</summary>
    public long Measured { get; set; }

    /// <summary>Unexpected replies in the measured window.</summary>
    public long MeasuredErrors { get; set; }

    /// <summary>Appends acknowledged, in every phase: what the server must now hold.</summary>
    public long Appended { get; set; }

    /// <summary>Lists received, in every phase.</summary>
    public long Listed { get; set; }

    /// <summary>Replies of the wrong kind (an <c>ERR</c> line, a RESP error, more replies than requests), in every phase.</summary>
    public long Unexpected { get; set; }

    /// <summary>Connections the server closed or reset, or whose replies could not be framed.</summary>
    public long Disconnects { get; set; }

    /// <summary>Requests still unanswered when the drain after the run timed out.</summary>
    public long Unanswered { get; set; }

    /// <summary>Connections that could not connect within the connect timeout.</summary>
    public long ConnectFailures { get; set; }

    /// <summary>Replies of every phase, for the progress line.</summary>
    public long Completed
    {
        get => Volatile.Read(ref _completed);
        set => Volatile.Write(ref _completed, value);
    }

    /// <summary>Every kind of error: unexpected replies, disconnects, unanswered requests, failed connects.</summary>
    /// <summary>Connections whose first batch has been answered, or that failed before it was: the runner's ramp-up waits for all of them.</summary>
    public long RampedUp
    {
        get => Volatile.Read(ref _rampedUp);
        set => Volatile.Write(ref _rampedUp, value);
    }

    public long Errors => Unexpected + Disconnects + Unanswered + ConnectFailures;

    private long _completed;
    private long _rampedUp;

    /// <summary>Adds <paramref name="other"/>'s counts and latencies to these.</summary>
    public void Add(LoadStats other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Latency.Add(other.Latency);
        Measured += other.Measured;
        MeasuredErrors += other.MeasuredErrors;
        Appended += other.Appended;
        Listed += other.Listed;
        Unexpected += other.Unexpected;
        Disconnects += other.Disconnects;
        Unanswered += other.Unanswered;
        ConnectFailures += other.ConnectFailures;
        Completed += other.Completed;
        RampedUp += other.RampedUp;
    }
}
