using SharedList.Bench.Load;

namespace SharedList.Bench.Results;

/// <summary>One measured point: one target, one connection count, one pipeline depth, one repeat.</summary>
public sealed record BenchPoint
{
    public required string Target { get; init; }

    public required LoadProtocol Protocol { get; init; }

    public required int Connections { get; init; }

    public required int Pipeline { get; init; }

    /// <summary>1-based round of <c>--repeat</c>.</summary>
    public required int Repeat { get; init; }

    public required string Mix { get; init; }

    public required int PayloadBytes { get; init; }

    /// <summary>Wall time of the measured window, seconds.</summary>
    public required double Seconds { get; init; }

    /// <summary>Replies in the measured window.</summary>
    public required long Requests { get; init; }

    /// <summary>Replies per second.</summary>
    public required double Throughput { get; init; }

    public required double P50Micros { get; init; }

    public required double P90Micros { get; init; }

    public required double P99Micros { get; init; }

    public required double P999Micros { get; init; }

    public required double MaxMicros { get; init; }

    /// <summary>Every error: unexpected replies, disconnects, unanswered requests, failed connects.</summary>
    public required long Errors { get; init; }

    public required long UnexpectedReplies { get; init; }

    public required long Disconnects { get; init; }

    public required long Unanswered { get; init; }

    public required long ConnectFailures { get; init; }

    /// <summary>Server CPU time per request, µs; null when the server was not spawned here.</summary>
    public required double? ServerCpuMicrosPerRequest { get; init; }

    /// <summary>This process's CPU over the window, % of its usable cores.</summary>
    public required double? LoadCpuPercent { get; init; }

    public required int LoadCores { get; init; }

    /// <summary>True when the load tool itself used ≥ 90 % of its cores: the server may be faster than measured.</summary>
    public required bool LoadSaturated { get; init; }

    /// <summary>Seconds from connected until every connection had its first reply, before the warm-up.</summary>
    public required double RampUpSeconds { get; init; }

    /// <summary>The point from a run's result.</summary>
    public static BenchPoint From(string target, LoadOptions options, int repeat, LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(result);
        var latency = result.Stats.Latency;
        return new BenchPoint
        {
            Target = target,
            Protocol = options.Protocol,
            Connections = options.Connections,
            Pipeline = options.Pipeline,
            Repeat = repeat,
            Mix = options.Mix.ToString(),
            PayloadBytes = options.PayloadBytes,
            Seconds = result.WindowSeconds,
            Requests = result.Stats.Measured,
            Throughput = result.Throughput,
            P50Micros = latency.Percentile(50) / 1e3,
            P90Micros = latency.Percentile(90) / 1e3,
            P99Micros = latency.Percentile(99) / 1e3,
            P999Micros = latency.Percentile(99.9) / 1e3,
            MaxMicros = latency.Max / 1e3,
            Errors = result.Stats.Errors,
            UnexpectedReplies = result.Stats.Unexpected,
            Disconnects = result.Stats.Disconnects,
            Unanswered = result.Stats.Unanswered,
            ConnectFailures = result.Stats.ConnectFailures,
            ServerCpuMicrosPerRequest = result.ServerCpuMicrosPerRequest,
            LoadCpuPercent = result.LoadCpuPercent,
            LoadCores = result.LoadCores,
            LoadSaturated = result.LoadSaturated,
            RampUpSeconds = result.RampUpSeconds,
        };
    }
}
