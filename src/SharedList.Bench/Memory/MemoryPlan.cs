using SharedList.Bench.Targets;

namespace SharedList.Bench.Memory;

/// <summary>
/// What <c>sharedlist bench --memory</c> was asked to do: the servers to start, how many idle connections and
/// items to measure them with, the repeats and the pinning.
/// </summary>
public sealed record MemoryPlan
{
    /// <summary>Default of <see cref="IdleConnections"/>.</summary>
    public const int DefaultIdleConnections = 10_000;

    /// <summary>Default of <see cref="Items"/>.</summary>
    public const int DefaultItems = 1_000_000;

    /// <summary>Connections each server is given beyond <see cref="IdleConnections"/>: the warm-up's and the filler's.</summary>
    public const int SpareConnections = 100;

    /// <summary>Servers to start (<see cref="SpawnKind.All"/>).</summary>
    public IReadOnlyList<string> Spawn { get; init; } = [];

    /// <summary>Idle connections to open; 0 skips that measurement.</summary>
    public int IdleConnections { get; init; } = DefaultIdleConnections;

    /// <summary>Items to append; 0 skips that measurement.</summary>
    public int Items { get; init; } = DefaultItems;

    public int PayloadBytes { get; init; } = 16;

    /// <summary>Rounds over the targets, interleaved.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Pin spawned servers to core 1 and this process to core 0 with taskset.</summary>
    public bool PinCpu { get; init; }

    /// <summary>The RESP list key.</summary>
    public string Key { get; init; } = "sharedlist:bench";

    /// <summary>How to start <c>sharedlist serve</c>: normally this very program.</summary>
    public ProgramCommand? Self { get; init; }

    /// <summary>Another build to compare with, as in <see cref="Session.BenchPlan.Baseline"/>: each model is also measured from it, as <c>MODEL@baseline</c>.</summary>
    public ProgramCommand? Baseline { get; init; }

    /// <summary>How long a spawned server may take to be ready.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a server's memory must stay unchanged before it is read. Long enough to see through a plateau:
    /// Redis frees an idle client's query buffer only once it has been idle for 2 s, and jemalloc returns the
    /// pages over the following seconds.
    /// </summary>
    public TimeSpan SettleWindow { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a server's memory to settle before taking the last reading anyway: at least a minute, and 6 windows.</summary>
    public TimeSpan SettleTimeout => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, SettleWindow.Ticks * 6));

    /// <summary>How long opening the idle connections, their requests, or the appends may take.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
