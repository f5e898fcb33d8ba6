using SharedList.Bench.Measurement;

namespace SharedList.Bench.Memory;

/// <summary>
/// One target measured once (one repeat): the readings of a fresh server before and after the idle connections,
/// and of another fresh server before and after the items. Readings of a skipped measurement are null.
/// </summary>
public sealed record MemoryPoint
{
    public required string Target { get; init; }

    /// <summary>1-based round of <c>--repeat</c>.</summary>
    public required int Repeat { get; init; }

    public required int PayloadBytes { get; init; }

    /// <summary>Idle connections opened; 0 when not measured.</summary>
    public required int IdleConnections { get; init; }

    /// <summary>Items appended; 0 when not measured.</summary>
    public required int Items { get; init; }

    /// <summary>The server of the connections, warmed up, before any was opened.</summary>
    public MemoryReading? Baseline { get; init; }

    /// <summary>With every connection open, none having sent anything.</summary>
    public MemoryReading? Connected { get; init; }

    /// <summary>With every connection open after one request and its reply each: idle clients.</summary>
    public MemoryReading? Idle { get; init; }

    /// <summary>The server of the items, warmed up, with an empty list.</summary>
    public MemoryReading? ItemsBaseline { get; init; }

    /// <summary>With every item appended and the appending connection closed.</summary>
    public MemoryReading? Filled { get; init; }

    /// <summary>After appending as many items again: twice <see cref="Items"/> in the list.</summary>
    public MemoryReading? Doubled { get; init; }

    /// <summary>False when some reading was taken at the settle timeout, the memory still changing.</summary>
    public bool Settled { get; init; } = true;

    /// <summary>RSS growth per connection that has only connected, bytes.</summary>
    public double? BytesPerConnection => PerUnit(Connected, Baseline, IdleConnections);

    /// <summary>RSS growth per idle connection (one request done), bytes: the figure the targets are judged by.</summary>
    public double? BytesPerIdleConnection => PerUnit(Idle, Baseline, IdleConnections);

    /// <summary>
    /// RSS growth per item appended, bytes: over the second <see cref="Items"/> appends (from <see cref="Filled"/>
    /// to <see cref="Doubled"/>) when they were made, else over the first. The first carry the server's one-time
    /// costs (the JIT finishing the append path, pools reaching their size) and can reuse what the warm-up's
    /// cleared list freed without growing the process, so they misstate the cost of an item both ways.
    /// </summary>
    public double? BytesPerItem => Doubled is null ? PerUnit(Filled, ItemsBaseline, Items) : PerUnit(Doubled, Filled, Items);

    /// <summary>RSS growth for the first <see cref="Items"/> appended, from the warmed-up empty list, bytes.</summary>
    public long? ListBytes => Filled is null || ItemsBaseline is null ? null : Filled.RssBytes - ItemsBaseline.RssBytes;

    private static double? PerUnit(MemoryReading? after, MemoryReading? before, int count) =>
        after is null || before is null || count == 0 ? null : (after.RssBytes - before.RssBytes) / (double)count;
}
