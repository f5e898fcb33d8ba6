using SharedList.Bench.Results;

namespace SharedList.Bench.Memory;

/// <summary>
/// The repeats of one target folded into medians, with the spread (min–max) of the per-connection and per-item
/// costs: the numbers the memory table shows. Null where nothing was measured.
/// </summary>
public sealed record MemorySummary(
    string Target,
    int Repeats,
    double? BaselineBytes,
    double? BytesPerConnection,
    double? BytesPerIdleConnection,
    double? BytesPerIdleConnectionMin,
    double? BytesPerIdleConnectionMax,
    double? BytesPerItem,
    double? BytesPerItemMin,
    double? BytesPerItemMax,
    double? ListBytes,
    bool Settled)
{
    /// <summary>Groups points by target, in the order they first appear.</summary>
    public static IReadOnlyList<MemorySummary> Summarize(IEnumerable<MemoryPoint> points) =>
        [.. points
            .GroupBy(p => p.Target)
            .Select(g => new MemorySummary(
                g.Key,
                g.Count(),
                Median(g.Select(p => (double?)(p.Baseline ?? p.ItemsBaseline)?.RssBytes)),
                Median(g.Select(p => p.BytesPerConnection)),
                Median(g.Select(p => p.BytesPerIdleConnection)),
                g.Min(p => p.BytesPerIdleConnection),
                g.Max(p => p.BytesPerIdleConnection),
                Median(g.Select(p => p.BytesPerItem)),
                g.Min(p => p.BytesPerItem),
                g.Max(p => p.BytesPerItem),
                Median(g.Select(p => (double?)p.ListBytes)),
                g.All(p => p.Settled)))];

    private static double? Median(IEnumerable<double?> values)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToArray();
        return known.Length == 0 ? null : PointSummary.Median(known);
    }
}
