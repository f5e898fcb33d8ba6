namespace SharedList.Bench.Results;

/// <summary>
/// The repeats of one (target, connections, pipeline) cell folded into medians, with the spread (min–max) of
/// throughput and p99: the numbers the results table shows.
/// </summary>
public sealed record PointSummary(
    string Target,
    int Connections,
    int Pipeline,
    int Repeats,
    double Throughput,
    double ThroughputMin,
    double ThroughputMax,
    double P50Micros,
    double P90Micros,
    double P99Micros,
    double P99Min,
    double P99Max,
    double P999Micros,
    double MaxMicros,
    long Errors,
    double? ServerCpuMicrosPerRequest,
    double? LoadCpuPercent,
    bool LoadSaturated)
{
    /// <summary>Groups points by target, connections and pipeline, in the order they first appear.</summary>
    public static IReadOnlyList<PointSummary> Summarize(IEnumerable<BenchPoint> points) =>
        [.. points
            .GroupBy(p => (p.Target, p.Connections, p.Pipeline))
            .Select(g => new PointSummary(
                g.Key.Target,
                g.Key.Connections,
                g.Key.Pipeline,
                g.Count(),
                Median(g.Select(p => p.Throughput)),
                g.Min(p => p.Throughput),
                g.Max(p => p.Throughput),
                Median(g.Select(p => p.P50Micros)),
                Median(g.Select(p => p.P90Micros)),
                Median(g.Select(p => p.P99Micros)),
                g.Min(p => p.P99Micros),
                g.Max(p => p.P99Micros),
                Median(g.Select(p => p.P999Micros)),
                g.Max(p => p.MaxMicros),
                g.Sum(p => p.Errors),
                MedianOrNull(g.Select(p => p.ServerCpuMicrosPerRequest)),
                MedianOrNull(g.Select(p => p.LoadCpuPercent)),
                g.Any(p => p.LoadSaturated)))];

    /// <summary>The median; the mean of the middle two for an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double? MedianOrNull(IEnumerable<double?> values)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToArray();
        return known.Length == 0 ? null : Median(known);
    }
}
