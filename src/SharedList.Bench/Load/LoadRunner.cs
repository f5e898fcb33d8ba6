using System.Diagnostics;
using SharedList.Bench.Measurement;

namespace SharedList.Bench.Load;

/// <summary>
/// Runs one point, closed loop: connect, ramp up, warm up, measure, stop sending, drain. The server's CPU time
/// (when its process id is known) and this process's are read from /proc at both edges of the measured window.
/// </summary>
/// <remarks>
/// The ramp-up lasts until every connection has had its first reply. A server that starts a thread per
/// connection can take seconds to start 500 of them while the first ones are busy (a thread start waits for the
/// new thread to be scheduled on a saturated core); without the ramp-up, those first replies would land in the
/// measured window as multi-second latencies of a handful of connections, which says how fast the server
/// accepts, not how fast it serves. The ramp-up's length is reported on its own.
/// </remarks>
public static class LoadRunner
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RampUpPollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>Runs the point and returns what it measured.</summary>
    /// <param name="options">Where and what to send.</param>
    /// <param name="warmup">Load before the measured window, not recorded.</param>
    /// <param name="duration">The measured window.</param>
    /// <param name="serverPid">The server's process id, for its CPU time; null when unknown.</param>
    /// <param name="progress">Called about every 100 ms with the phase and the replies so far (any thread).</param>
    /// <param name="cancellationToken">Stops the run at once; every socket is closed.</param>
    public static Task<LoadResult> RunAsync(LoadOptions options, TimeSpan warmup, TimeSpan duration, int? serverPid = null, Action<LoadPhase, long>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync(options, warmup, duration, serverPid is { } pid ? [pid] : [], progress, cancellationToken);

    /// <summary>Runs the point and returns what it measured, the server's CPU time summed over several processes.</summary>
    /// <param name="options">Where and what to send.</param>
    /// <param name="warmup">Load before the measured window, not recorded.</param>
    /// <param name="duration">The measured window.</param>
    /// <param name="serverPids">The processes that serve (a server and the store under it), whose CPU time counts; empty when unknown.</param>
    /// <param name="progress">Called about every 100 ms with the phase and the replies so far (any thread).</param>
    /// <param name="cancellationToken">Stops the run at once; every socket is closed.</param>
    public static async Task<LoadResult> RunAsync(LoadOptions options, TimeSpan warmup, TimeSpan duration, IReadOnlyList<int> serverPids, Action<LoadPhase, long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serverPids);
        ArgumentNullException.ThrowIfNull(options);
        var control = new LoadControl();
        using var engine = LoadEngine.Create(options, control);
        try
        {
            engine.Start();
            await engine.Connected.WaitAsync(options.ConnectTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            var rampUp = await RampUpAsync(engine, options, progress, cancellationToken).ConfigureAwait(false);
            await WaitAsync(engine, LoadPhase.Warmup, warmup, progress, cancellationToken).ConfigureAwait(false);

            var server0 = CpuSeconds(serverPids);
            var self0 = ProcessCpu.SelfSeconds();
            var started = Stopwatch.GetTimestamp();
            control.Phase = LoadPhase.Measure;
            await WaitAsync(engine, LoadPhase.Measure, duration, progress, cancellationToken).ConfigureAwait(false);
            control.Phase = LoadPhase.Done;
            var window = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var server1 = CpuSeconds(serverPids);
            var self1 = ProcessCpu.SelfSeconds();

            // The engine gives up on what is still unanswered after its drain timeout; the extra bound here only
            // guards against an engine that never reports.
            await engine.Finished.WaitAsync(options.DrainTimeout + TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            progress?.Invoke(LoadPhase.Done, engine.Completed);
            return new LoadResult(engine.Stats, window, server1 - server0, self1 - self0, CpuAffinity.AllowedCores(), rampUp.TotalSeconds);
        }
        finally
        {
            control.Phase = LoadPhase.Done;
        }
    }

    // The CPU time of every process, summed; null when there are none or one cannot be read.
    private static double? CpuSeconds(IReadOnlyList<int> pids)
    {
        double? total = pids.Count > 0 ? 0 : null;
        foreach (var pid in pids)
        {
            total += ProcessCpu.Seconds(pid);
        }

        return total;
    }

    // Waits until every connection that connected has been answered once, or the ramp-up timeout; returns how long that took.
    private static async Task<TimeSpan> RampUpAsync(LoadEngine engine, LoadOptions options, Action<LoadPhase, long>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var reported = started;
        var expected = options.Connections - engine.Stats.ConnectFailures;
        while (engine.RampedUp < expected && Stopwatch.GetElapsedTime(started) < options.RampUpTimeout && !engine.Finished.IsCompleted)
        {
            if (Stopwatch.GetElapsedTime(reported) >= ProgressInterval)
            {
                reported = Stopwatch.GetTimestamp();
                progress?.Invoke(LoadPhase.Warmup, engine.Completed);
            }

            await Task.Delay(RampUpPollInterval, cancellationToken).ConfigureAwait(false);
        }

        if (engine.Finished.IsFaulted)
        {
            await engine.Finished.ConfigureAwait(false);
        }

        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task WaitAsync(LoadEngine engine, LoadPhase phase, TimeSpan length, Action<LoadPhase, long>? progress, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            progress?.Invoke(phase, engine.Completed);
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            if (engine.Finished.IsFaulted)
            {
                await engine.Finished.ConfigureAwait(false);
            }

            await Task.Delay(left < ProgressInterval ? left : ProgressInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
