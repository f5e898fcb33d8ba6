namespace SharedList.Bench.Histograms;

/// <summary>
/// A log-linear histogram of latencies in nanoseconds, after HdrHistogram's layout: exact below 128 ns, then
/// 128 buckets per power of two, so any value is known to within 1/128 (0.78 %) of itself and a reported
/// percentile, the midpoint of its bucket, to within 1/256. It covers 1 ns to <see cref="HighestTrackable"/>
/// (60 s) in about 3,800 counters (30 KB); larger values land in the last bucket, and <see cref="Max"/> stays exact.
/// </summary>
/// <remarks>
/// Threading: not thread-safe. Each load thread records into its own histogram with no lock or interlocked
/// operation; the runner merges them with <see cref="Add"/> once the threads have finished.
/// </remarks>
public sealed class LatencyHistogram
{
    /// <summary>Sub-bucket bits: 2^7 = 128 buckets per power of two.</summary>
    public const int PrecisionBits = 7;

    /// <summary>The largest value with its own bucket: 60 seconds, in nanoseconds.</summary>
    public const long HighestTrackable = 60_000_000_000;

    private const long SubBuckets = 1L << PrecisionBits;

    private static readonly int BucketCount = Index(HighestTrackable) + 1;

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The smallest value recorded, exactly; 0 when empty.</summary>
    public long Min { get; private set; }

    /// <summary>The largest value recorded, exactly; 0 when empty.</summary>
    public long Max { get; private set; }

    /// <summary>The relative error bound of <see cref="Percentile"/>: half a bucket, 1/256.</summary>
    public static double RelativePrecision => 1.0 / (2 * SubBuckets);

    /// <summary>Records one value in nanoseconds; negative values count as 0. No allocation, no lock.</summary>
    public void Record(long nanoseconds)
    {
        if (nanoseconds < 0)
        {
            nanoseconds = 0;
        }

        _counts[Index(Math.Min(nanoseconds, HighestTrackable))]++;
        if (Count == 0 || nanoseconds < Min)
        {
            Min = nanoseconds;
        }

        if (nanoseconds > Max)
        {
            Max = nanoseconds;
        }

        Count++;
    }

    /// <summary>Adds every count of <paramref name="other"/> to this one (merging per-thread histograms).</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Min = Count == 0 ? other.Min : Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        Count += other.Count;
    }

    /// <summary>Forgets every value.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        Count = 0;
        Min = 0;
        Max = 0;
    }

    /// <summary>
    /// The value below or at which <paramref name="percent"/> % of the values lie (the nearest-rank definition:
    /// the ⌈p·n/100⌉-th smallest), as the midpoint of its bucket clamped to [<see cref="Min"/>, <see cref="Max"/>];
    /// within <see cref="RelativePrecision"/> of the exact value. 0 when empty; 100 gives <see cref="Max"/>.
    /// </summary>
    public long Percentile(double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (Count == 0)
        {
            return 0;
        }

        if (percent >= 100)
        {
            return Max;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percent / 100 * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Clamp(Midpoint(i), Min, Max);
            }
        }

        return Max;
    }

    /// <summary>The bucket of a value: exact below 2^7, then 2^7 buckets per power of two.</summary>
    internal static int Index(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        // value has its top bit at position p ≥ 7: shift it so exactly 8 bits remain (128..255), the
        // mantissa; buckets are then 2^shift wide, i.e. at most 1/128 of any value in them.
        var shift = 63 - (int)long.LeadingZeroCount(value) - PrecisionBits;
        var mantissa = value >> shift;
        return (int)((shift * SubBuckets) + mantissa);
    }

    /// <summary>The lowest value of bucket <paramref name="index"/>.</summary>
    internal static long LowestOf(int index)
    {
        if (index < 2 * SubBuckets)
        {
            return index;
        }

        var shift = (index / SubBuckets) - 1;
        var mantissa = index - (shift * SubBuckets);
        return mantissa << (int)shift;
    }

    private static long Midpoint(int index)
    {
        var low = LowestOf(index);
        var width = LowestOf(index + 1) - low;
        return low + ((width - 1) / 2);
    }
}
