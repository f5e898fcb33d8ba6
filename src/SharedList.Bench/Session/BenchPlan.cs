using System.Globalization;
using System.Net;
using SharedList.Bench.Load;
using SharedList.Bench.Targets;

namespace SharedList.Bench.Session;

/// <summary>
/// What <c>sharedlist bench</c> was asked to do: the targets (servers to spawn, or one running server), the
/// matrix (connections × pipeline), the load per point, the repeats and the pinning.
/// </summary>
public sealed record BenchPlan
{
    /// <summary>Servers to start (<see cref="SpawnKind.All"/>); empty to load <see cref="EndPoint"/> instead.</summary>
    public IReadOnlyList<string> Spawn { get; init; } = [];

    /// <summary>The running server to load when nothing is spawned.</summary>
    public EndPoint? EndPoint { get; init; }

    /// <summary>What the running server speaks (spawned servers speak their own).</summary>
    public LoadProtocol Protocol { get; init; } = LoadProtocol.Line;

    /// <summary>Connection counts: one point each.</summary>
    public IReadOnlyList<int> Connections { get; init; } = [1];

    /// <summary>Pipeline depths: one point each.</summary>
    public IReadOnlyList<int> Pipelines { get; init; } = [1];

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Load each target is given once, before the first round and not recorded, at the matrix's first cell. A
    /// freshly started server is not yet at its steady state: a JIT-compiled one (ours, Garnet) reaches its
    /// final code after some seconds of load, and any server's allocator takes its first fill of the list's
    /// memory from the kernel. Without it, the first round measures that, on the targets that pay it.
    /// </summary>
    public TimeSpan ColdWarmup { get; init; } = TimeSpan.FromSeconds(5);

    public int PayloadBytes { get; init; } = 16;

    /// <summary>
    /// Items of <see cref="PayloadBytes"/> appended after the list is cleared and before the warm-up of every
    /// point, so <c>LIST</c> (or <c>LRANGE</c>) is measured on a list of this size. Default 0.
    /// </summary>
    public long Prefill { get; init; }

    public RequestMix Mix { get; init; } = RequestMix.AppendsOnly;

    /// <summary>Rounds over the whole matrix; every target is measured once per point per round.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Pin spawned servers to core 1 and this process to core 0 with taskset.</summary>
    public bool PinCpu { get; init; }

    public LoadEngineKind Engine { get; init; } = OperatingSystem.IsLinux() ? LoadEngineKind.Epoll : LoadEngineKind.Async;

    /// <summary>Threads of the epoll engine; 0 for one per usable core.</summary>
    public int Threads { get; init; }

    /// <summary>The RESP list key.</summary>
    public string Key { get; init; } = "sharedlist:bench";

    /// <summary>How to start <c>sharedlist serve</c>: normally this very program.</summary>
    public ProgramCommand? Self { get; init; }

    /// <summary>
    /// Another build to compare with: each model in <see cref="Spawn"/> is also started from it, as the target
    /// <c>MODEL@baseline</c>, and measured interleaved with ours. Null (the default) for none.
    /// </summary>
    public ProgramCommand? Baseline { get; init; }

    /// <summary>The suffix of a target started from <see cref="Baseline"/>.</summary>
    public const string BaselineSuffix = "@baseline";

    /// <summary>How long a spawned server may take to be ready.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The plan as (name, value) pairs for a report's parameter table, option names as on the command line.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Describe()
    {
        static KeyValuePair<string, string> Pair(string name, FormattableString value) => new(name, value.ToString(CultureInfo.InvariantCulture));
        return
        [
            Spawn.Count > 0 ? Pair("--spawn", $"{string.Join(", ", Spawn)}") : Pair("server", $"{EndPoint} ({Protocol.ToString().ToLowerInvariant()})"),
            Pair("--baseline", $"{(Baseline is null ? "none" : string.Join(' ', [Baseline.FileName, .. Baseline.Prefix]))}"),
            Pair("--connections", $"{string.Join(", ", Connections)}"),
            Pair("--pipeline", $"{string.Join(", ", Pipelines)}"),
            Pair("--duration", $"{Duration.TotalSeconds} s"),
            Pair("--warmup", $"{Warmup.TotalSeconds} s"),
            Pair("--cold-warmup", $"{ColdWarmup.TotalSeconds} s"),
            Pair("--payload", $"{PayloadBytes} bytes"),
            Pair("--prefill", $"{Prefill} items"),
            Pair("--mix", $"{Mix}"),
            Pair("--repeat", $"{Repeat}"),
            Pair("--cpu", $"{(PinCpu ? "servers on core 1, load on core 0" : "off")}"),
            Pair("--engine", $"{Engine.ToString().ToLowerInvariant()}"),
            Pair("--threads", $"{(Threads == 0 ? "one per usable core" : Threads.ToString(CultureInfo.InvariantCulture))}"),
        ];
    }

    /// <summary>Every point of one round, in the order they run: for each cell of the matrix, every target in turn.</summary>
    public int PointsPerRound(int targets) => Connections.Count * Pipelines.Count * targets;
}
