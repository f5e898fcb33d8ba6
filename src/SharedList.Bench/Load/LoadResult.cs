namespace SharedList.Bench.Load;

/// <summary>What one point measured.</summary>
/// <param name="Stats">Every count, and the measured window's latencies.</param>
/// <param name="WindowSeconds">Wall time of the measured window.</param>
/// <param name="ServerCpuSeconds">CPU time the server process used in the window; null when it was not given or could not be read.</param>
/// <param name="LoadCpuSeconds">CPU time this process used in the window; null when it could not be read.</param>
/// <param name="LoadCores">Cores this process could use during the run.</param>
/// <param name="RampUpSeconds">From connected to every connection's first reply (or the ramp-up timeout).</param>
public sealed record LoadResult(LoadStats Stats, double WindowSeconds, double? ServerCpuSeconds, double? LoadCpuSeconds, int LoadCores, double RampUpSeconds)
{
    /// <summary>The share of its usable cores this process's own CPU time is said to mean "saturated".</summary>
    public const double SaturatedPercent = 90;

    /// <summary>Replies per second in the measured window.</summary>
    public double Throughput => WindowSeconds > 0 ? Stats.Measured / WindowSeconds : 0;

    /// <summary>Server CPU time per measured reply, in microseconds; null without a server CPU reading.</summary>
    public double? ServerCpuMicrosPerRequest => ServerCpuSeconds is { } cpu && Stats.Measured > 0 ? cpu * 1e6 / Stats.Measured : null;

    /// <summary>This process's CPU time over the window, as a percentage of window × usable cores.</summary>
    public double? LoadCpuPercent => LoadCpuSeconds is { } cpu && WindowSeconds > 0 ? 100 * cpu / (WindowSeconds * LoadCores) : null;

    /// <summary>True when the load tool used (nearly) all of its cores: the server may be faster than measured.</summary>
    public bool LoadSaturated => LoadCpuPercent >= SaturatedPercent;
}
