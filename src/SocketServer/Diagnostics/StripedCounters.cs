namespace SocketServer.Diagnostics;

/// <summary>
/// A few counters that many threads add to at once, for metrics counted on a hot path: each add goes to a cell of
/// the core it runs on, so threads on different cores never write the same cache line; a read sums the cells.
/// </summary>
/// <remarks>
/// Threading: <see cref="Add"/> and <see cref="Increment"/> from any thread, lock-free and allocation-free;
/// <see cref="Read"/> from any thread, a sum that may miss adds in flight. Totals only grow unless added negative.
/// </remarks>
public sealed class StripedCounters
{
    // 64-byte lines: a core's counters start on a line of their own and never share one with another core's.
    private const int LongsPerLine = 8;

    private readonly long[] _cells;
    private readonly int _stride;
    private readonly int _stripes;

    /// <summary>Creates <paramref name="count"/> counters, all zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public StripedCounters(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        _stride = (count + LongsPerLine - 1) / LongsPerLine * LongsPerLine;
        _stripes = Math.Max(1, Environment.ProcessorCount);

        // One spare line in front, so the first stripe shares no line with the array's header.
        _cells = new long[(_stripes + 1) * _stride];
    }

    /// <summary>How many counters there are.</summary>
    public int Count { get; }

    /// <summary>Adds one to counter <paramref name="index"/>.</summary>
    public void Increment(int index) => Add(index, 1);

    /// <summary>Adds <paramref name="value"/> to counter <paramref name="index"/>.</summary>
    public void Add(int index, long value)
    {
        // A thread may move to another core between the two steps: the add is still atomic, just on another line.
        var stripe = (uint)Thread.GetCurrentProcessorId() % (uint)_stripes;
        Interlocked.Add(ref _cells[((int)stripe + 1) * _stride + index], value);
    }

    /// <summary>The total of counter <paramref name="index"/>.</summary>
    public long Read(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var total = 0L;
        for (var stripe = 1; stripe <= _stripes; stripe++)
        {
            total += Volatile.Read(ref _cells[stripe * _stride + index]);
        }

        return total;
    }
}
