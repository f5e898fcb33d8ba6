using System.Globalization;
using SharedList.Bench.Measurement;
using SharedList.Bench.Session;
using SharedList.Bench.Targets;
using SharedList.Stores;

namespace SharedList.Bench.Memory;

/// <summary>
/// Runs a <see cref="MemoryPlan"/>: for each round, each target in turn (A B C A B C …), measures what idle
/// connections and then items cost a freshly started server, as the growth of its resident memory. Every
/// server it starts is killed before the next starts, and before it returns or throws, cancellation included.
/// </summary>
public static class MemorySession
{
    // Descriptors this process needs besides the idle connections: the runtime's own, the servers' pipes, the filler.
    private const int SpareDescriptors = 64;

    // Connections of the warm-up, in waves with a pause after each, so one-time costs (JIT, pools) land in the
    // baseline, not on the measured connections. A JIT-compiled server recompiles a method after about 30 calls
    // and again, optimized with what it learned, after 30 more, in the background: paths taken once per
    // connection reach their final code only after a few waves of dozens of connections. With a single wave
    // of 8, the async model's figure was 0.6 KB higher than with tiered compilation off, and epoll's 0.5 KB.
    // A wave is at most half of MemoryPlan.SpareConnections, as the last one may still be closing.
    private const int WarmUpConnections = 50;
    private const int WarmUpWaves = 4;
    private static readonly TimeSpan WarmUpPause = TimeSpan.FromMilliseconds(400);

    // Appends of the warm-up, then cleared: enough for a JIT-compiled server to reach its optimized code for the
    // append path (and its allocator its steady state) before the baseline, as the first connections do for
    // the connection path. Otherwise that one-time cost, a few megabytes, is charged to the measured items.
    private const int WarmUpItems = 50_000;

    /// <summary>
    /// Runs the plan. Throws <see cref="InvalidOperationException"/> before starting anything when this process
    /// cannot open that many connections, and <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public static async Task<MemoryReport> RunAsync(MemoryPlan plan, IMemoryObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(observer);
        CheckDescriptors(plan.IdleConnections);
        var notes = new List<string>();
        void Note(string message)
        {
            notes.Add(message);
            observer.Note(message);
        }

        var serverCore = plan.PinCpu ? BenchSession.Pin(Note) : null;
        var targets = FindTargets(plan, Note);
        var points = new List<MemoryPoint>();
        var total = plan.Repeat * targets.Count;
        for (var repeat = 1; repeat <= plan.Repeat; repeat++)
        {
            foreach (var (name, program) in targets)
            {
                observer.PointStarting(points.Count, total, name, repeat);
                var point = new MemoryPoint { Target = name, Repeat = repeat, PayloadBytes = plan.PayloadBytes, IdleConnections = 0, Items = 0 };
                var step = new Step(plan, name, program, serverCore, observer, cancellationToken);
                if (plan.IdleConnections > 0 && ServesManyAtOnce(name))
                {
                    point = await MeasureConnectionsAsync(step, point).ConfigureAwait(false);
                }

                if (plan.Items > 0)
                {
                    point = await MeasureItemsAsync(step, point).ConfigureAwait(false);
                }

                foreach (var unsettled in step.Unsettled)
                {
                    Note($"{name} (round {repeat}): the memory had not settled after {plan.SettleTimeout.TotalSeconds:0} s ({unsettled}); the last reading was taken");
                }

                point = point with { Settled = step.Unsettled.Count == 0 };
                points.Add(point);
                observer.PointDone(point);
            }
        }

        return new MemoryReport(points, notes);
    }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> when this process may not open <paramref name="connections"/>
    /// more sockets (its open-files limit, which a spawned server inherits too).
    /// </summary>
    public static void CheckDescriptors(int connections)
    {
        if (ProcessMemory.OpenFilesLimit() is not { } limit)
        {
            return;
        }

        var needed = (long)connections + (ProcessMemory.OpenFiles() ?? 0) + SpareDescriptors;
        if (needed > limit)
        {
            throw new InvalidOperationException(
                $"--idle-connections {connections:N0} needs about {needed:N0} open files, but this process may open only {limit:N0} (ulimit -Hn); " +
                $"ask for fewer, or raise the hard limit (ulimit -Hn as root, or nofile in /etc/security/limits.conf)");
        }
    }

    private static async Task<MemoryPoint> MeasureConnectionsAsync(Step step, MemoryPoint point)
    {
        var plan = step.Plan;
        var count = plan.IdleConnections;
        await using var server = await step.StartAsync().ConfigureAwait(false);
        var baseline = await step.SettleAsync(server.Pid, "with no connection").ConfigureAwait(false);

        step.Report($"opening {count:N0} connections");
        using var connections = await step.WithinStepTimeoutAsync(token => IdleConnections.OpenAsync(server.Target, count, token), $"opening {count:N0} connections").ConfigureAwait(false);
        var connected = await step.SettleAsync(server.Pid, $"after {count:N0} connects").ConfigureAwait(false);

        step.Report($"one request on each of {count:N0} connections");
        await step.WithinStepTimeoutAsync(async token => { await connections.RequestOnceAsync(plan.Key, token).ConfigureAwait(false); return true; }, $"one request on each of {count:N0} connections").ConfigureAwait(false);
        var idle = await step.SettleAsync(server.Pid, $"after {count:N0} requests").ConfigureAwait(false);
        return point with { IdleConnections = count, Baseline = baseline, Connected = connected, Idle = idle };
    }

    private static async Task<MemoryPoint> MeasureItemsAsync(Step step, MemoryPoint point)
    {
        var plan = step.Plan;
        await using var server = await step.StartAsync().ConfigureAwait(false);
        var baseline = await step.SettleAsync(server.Pid, "with an empty list").ConfigureAwait(false);

        var filled = await AppendAndSettleAsync($"{plan.Items:N0} items of {plan.PayloadBytes} bytes", $"after {plan.Items:N0} items").ConfigureAwait(false);
        var doubled = await AppendAndSettleAsync($"{plan.Items:N0} more items", $"after {2L * plan.Items:N0} items").ConfigureAwait(false);
        return point with { Items = plan.Items, ItemsBaseline = baseline, Filled = filled, Doubled = doubled };

        async Task<MemoryReading> AppendAndSettleAsync(string what, string when)
        {
            step.Report($"appending {what}");
            await step.WithinStepTimeoutAsync(async token => { await ListFiller.FillAsync(server.Target, plan.Items, plan.PayloadBytes, plan.Key, token).ConfigureAwait(false); return true; }, $"appending {what}").ConfigureAwait(false);
            return await step.SettleAsync(server.Pid, when).ConfigureAwait(false);
        }
    }

    // The sequential model serves one connection at a time and the pool model --workers: the rest wait unserved,
    // so their idle connections cost nothing but say nothing either.
    private static bool ServesManyAtOnce(string name) => !(ModelSpawn.TryParse(ModelOf(name), out var spawn, out _) && spawn.Model is ("sequential" or "pool"));

    // The model a target runs: its name, without the suffix of one started from the baseline build.
    private static string ModelOf(string name) => name.EndsWith(BenchPlan.BaselineSuffix, StringComparison.Ordinal) ? name[..^BenchPlan.BaselineSuffix.Length] : name;

    private static List<(string Name, string? Program)> FindTargets(MemoryPlan plan, Action<string> note)
    {
        var targets = new List<(string, string?)>();
        foreach (var name in plan.Spawn)
        {
            if (SpawnKind.NeedsRedisServer(name) && SpawnedServer.FindProgram(name) is null)
            {
                note(BenchSession.MissingProgram(name));
            }
            else if (SpawnKind.IsModel(name))
            {
                if (plan.IdleConnections > 0 && !ServesManyAtOnce(name))
                {
                    note($"{name}: idle connections not measured, it serves {(name == "sequential" ? "one connection" : "--workers connections")} at a time and leaves the others waiting");
                }

                targets.Add((name, null));
                if (plan.Baseline is not null)
                {
                    targets.Add((name + BenchPlan.BaselineSuffix, null));
                }
            }
            else if (SpawnedServer.FindProgram(name) is { } program)
            {
                targets.Add((name, program));
            }
            else
            {
                note(BenchSession.MissingProgram(name));
            }
        }

        return targets.Count > 0 ? targets : throw new InvalidOperationException("no target could be started");
    }

    /// <summary>One target's measurement: how to start its server, read its memory, bound its steps, and what did not settle.</summary>
    private sealed class Step(MemoryPlan plan, string name, string? program, int? core, IMemoryObserver observer, CancellationToken cancellationToken)
    {
        public MemoryPlan Plan => plan;

        public List<string> Unsettled { get; } = [];

        public void Report(string description) => observer.Step(description);

        /// <summary>A fresh server, given room for the connections and items, warmed up by waves of connections.</summary>
        public async Task<StartedServer> StartAsync()
        {
            Report("starting the server");
            var connections = (plan.IdleConnections + MemoryPlan.SpareConnections).ToString(CultureInfo.InvariantCulture);
            (SpawnedServer Server, BenchTarget Target) started;
            if (program is null)
            {
                List<string> options = ["--max-connections", connections];
                if (2L * plan.Items > InMemoryList.DefaultMaxItems)
                {
                    options.AddRange(["--max-items", (2L * plan.Items).ToString(CultureInfo.InvariantCulture)]);
                }

                var build = ModelOf(name) == name ? plan.Self ?? ProgramCommand.Self() : plan.Baseline!;
                started = await SpawnedServer.StartModelAsync(build, ModelOf(name), core, options, plan.StartTimeout, cancellationToken, name).ConfigureAwait(false);
            }
            else
            {
                string[] options = SpawnKind.IsRedis(name) ? ["--maxclients", connections] : [];
                started = await SpawnedServer.StartRespAsync(name, program, core, options, plan.StartTimeout, cancellationToken).ConfigureAwait(false);
            }

            var server = new StartedServer(started.Server, started.Target);
            try
            {
                Report("warming up");
                for (var wave = 0; wave < WarmUpWaves; wave++)
                {
                    using (var warmUp = await IdleConnections.OpenAsync(server.Target, WarmUpConnections, cancellationToken).ConfigureAwait(false))
                    {
                        await warmUp.RequestOnceAsync(plan.Key, cancellationToken).ConfigureAwait(false);
                    }

                    await Task.Delay(WarmUpPause, cancellationToken).ConfigureAwait(false);
                }

                await ListFiller.FillAsync(server.Target, WarmUpItems, plan.PayloadBytes, plan.Key, cancellationToken).ConfigureAwait(false);
                await ListReset.ClearAsync(server.Target, plan.Key, plan.StartTimeout, cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public async Task<MemoryReading> SettleAsync(int pid, string when)
        {
            Report($"waiting for the memory to settle {when}");
            var (reading, settled) = await ProcessMemory.SettleAsync(pid, plan.SettleWindow, plan.SettleTimeout, cancellationToken).ConfigureAwait(false);
            if (!settled)
            {
                Unsettled.Add(when);
            }

            return reading;
        }

        public async Task<T> WithinStepTimeoutAsync<T>(Func<CancellationToken, Task<T>> step, string what)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(plan.StepTimeout);
            try
            {
                return await step(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{name}: {what} took longer than {plan.StepTimeout.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>A spawned server and where it listens; killed on dispose.</summary>
    private sealed record StartedServer(SpawnedServer Server, BenchTarget Target) : IAsyncDisposable
    {
        public int Pid => Server.Pid;

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
