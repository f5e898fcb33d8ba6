using System.Diagnostics.Metrics;
using SocketServer;

namespace SharedList.Metrics;

/// <summary>
/// Reads the two meters once a second, as any other listener would, and keeps the last <see cref="Capacity"/>
/// samples for the status page: connections, requests a second, list lengths.
/// </summary>
/// <remarks>
/// It enables only observable instruments, which cost nothing until read, so it adds nothing to the requests' path.
/// Threading: <see cref="Sample"/> runs on its timer; <see cref="Report"/> from any thread.
/// </remarks>
public sealed class StatusSampler : IDisposable
{
    /// <summary>Samples kept: five minutes at one a second.</summary>
    public const int Capacity = 300;

    private readonly Lock _gate = new();
    private readonly MeterListener _listener = new();
    private readonly StatusSample[] _ring = new StatusSample[Capacity];
    private readonly TimeSpan _interval;
    private readonly Timer _timer;
    private int _next;
    private int _count;

    // Filled by the listener's callbacks during one Sample, under _gate.
    private long _connections;
    private long _requests;
    private readonly Dictionary<string, int> _lists = new(StringComparer.Ordinal);
    private long _previousRequests = -1;
    private long _previousTime;

    /// <summary>Starts sampling every <paramref name="interval"/> (one second when null), the first sample at once.</summary>
    public StatusSampler(TimeSpan? interval = null)
    {
        _interval = interval ?? TimeSpan.FromSeconds(1);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is ServerMetrics.ConnectionsCurrent or ListMetrics.Requests or ListMetrics.ListLength)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<int>(OnInt);
        _listener.Start();
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, _interval);
    }

    /// <summary>Takes a sample now.</summary>
    public void Sample()
    {
        lock (_gate)
        {
            _connections = 0;
            _requests = 0;
            _lists.Clear();
            _listener.RecordObservableInstruments();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var perSecond = _previousRequests < 0 || now <= _previousTime ? 0 : (_requests - _previousRequests) * 1000.0 / (now - _previousTime);
            _previousRequests = _requests;
            _previousTime = now;
            _ring[_next] = new StatusSample(now, _connections, _requests, Math.Max(0, perSecond), new Dictionary<string, int>(_lists, StringComparer.Ordinal));
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    /// <summary>The samples kept, oldest first.</summary>
    public StatusReport Report()
    {
        lock (_gate)
        {
            var samples = new StatusSample[_count];
            for (var i = 0; i < _count; i++)
            {
                samples[i] = _ring[(_next - _count + i + Capacity) % Capacity];
            }

            return new StatusReport(_interval.TotalSeconds, samples);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            _listener.Dispose();
        }
    }

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == ServerMetrics.ConnectionsCurrent)
        {
            _connections += value;
        }
        else if (instrument.Name == ListMetrics.Requests)
        {
            _requests += value;
        }
    }

    private void OnInt(Instrument instrument, int value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag is { Key: ListMetrics.ListTag, Value: string list })
            {
                _lists[list] = value;
            }
        }
    }
}
