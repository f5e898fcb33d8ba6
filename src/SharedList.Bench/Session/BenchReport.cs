using SharedList.Bench.Results;

namespace SharedList.Bench.Session;

/// <summary>Everything a session measured, and what it noted on the way.</summary>
public sealed record BenchReport(IReadOnlyList<BenchPoint> Points, IReadOnlyList<string> Notes)
{
    /// <summary>Medians and spreads per (target, connections, pipeline).</summary>
    public IReadOnlyList<PointSummary> Summaries => PointSummary.Summarize(Points);
}
