namespace SharedList.Bench.Results;

/// <summary>
/// One target's figure against a reference's in the same cell (connections, pipeline), paired round by round:
/// the median of the ratio of the two in each repeat.
/// </summary>
/// <remarks>
/// Why not the ratio of the two medians: targets take turns within a round (A B C, A B C), so the two points of
/// a round ran on the same machine a few seconds apart. On a machine whose speed drifts between rounds, the
/// ratio within a round is much steadier than either figure, and the ratio of medians can pair one target's
/// fast round with the other's slow one.
/// </remarks>
public static class PairedRatio
{
    /// <summary>
    /// The median over the repeats in which both have a positive <paramref name="figure"/> of target ÷ reference;
    /// null when there is no such repeat.
    /// </summary>
    public static double? Median(
        IEnumerable<BenchPoint> points,
        string target,
        string reference,
        int connections,
        int pipeline,
        Func<BenchPoint, double?> figure)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(figure);
        var cell = points.Where(p => p.Connections == connections && p.Pipeline == pipeline).ToList();
        var references = cell
            .Where(p => p.Target == reference)
            .GroupBy(p => p.Repeat)
            .ToDictionary(g => g.Key, g => figure(g.First()));
        var ratios = cell
            .Where(p => p.Target == target)
            .Select(p => references.GetValueOrDefault(p.Repeat) is { } theirs && theirs > 0 && figure(p) is { } ours && ours > 0
                ? ours / theirs
                : (double?)null)
            .Where(ratio => ratio is not null)
            .Select(ratio => ratio!.Value)
            .ToArray();
        return ratios.Length == 0 ? null : PointSummary.Median(ratios);
    }
}
