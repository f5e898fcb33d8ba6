namespace SharedList.Bench.Memory;

/// <summary>Everything a memory session measured, and what it noted on the way.</summary>
public sealed record MemoryReport(IReadOnlyList<MemoryPoint> Points, IReadOnlyList<string> Notes)
{
    /// <summary>Medians and spreads per target.</summary>
    public IReadOnlyList<MemorySummary> Summaries => MemorySummary.Summarize(Points);
}
