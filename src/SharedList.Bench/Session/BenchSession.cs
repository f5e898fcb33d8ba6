using SharedList.Bench.Load;
using SharedList.Bench.Memory;
using SharedList.Bench.Measurement;
using SharedList.Bench.Results;
using SharedList.Bench.Targets;

namespace SharedList.Bench.Session;

/// <summary>
/// Runs a <see cref="BenchPlan"/>: starts the targets and gives each its cold warm-up, then for each round,
/// each cell of the matrix, each target in turn (A B C, then C B A in the next round, so a noisy moment hits every
/// target alike and none always goes first) clears the list and runs the point. Every server it started is killed before it returns or throws,
/// cancellation included.
/// </summary>
public static class BenchSession
{
    /// <summary>The core spawned servers are pinned to with <see cref="BenchPlan.PinCpu"/>; the load gets <see cref="LoadCore"/>.</summary>
    public const int ServerCore = 1;

    /// <summary>The core this process is pinned to with <see cref="BenchPlan.PinCpu"/>.</summary>
    public const int LoadCore = 0;

    private static readonly TimeSpan ClearTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs the plan; throws <see cref="OperationCanceledException"/> when cancelled, after killing every server.</summary>
    public static async Task<BenchReport> RunAsync(BenchPlan plan, IBenchObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(observer);
        var notes = new List<string>();
        void Note(string message)
        {
            notes.Add(message);
            observer.Note(message);
        }

        var servers = new List<SpawnedServer>();
        try
        {
            var serverCore = plan.PinCpu ? Pin(Note) : null;
            var targets = await StartTargetsAsync(plan, serverCore, servers, Note, cancellationToken).ConfigureAwait(false);
            if (plan.ColdWarmup > TimeSpan.Zero)
            {
                foreach (var target in targets)
                {
                    observer.WarmingUp(target.Name, plan.ColdWarmup);
                    await PrepareListAsync(plan, target, cancellationToken).ConfigureAwait(false);
                    var options = LoadOptionsFor(plan, target, plan.Connections[0], plan.Pipelines[0]);
                    _ = await LoadRunner.RunAsync(options, plan.ColdWarmup, TimeSpan.Zero, progress: observer.Progress, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }

            var points = new List<BenchPoint>();
            var total = plan.Repeat * plan.PointsPerRound(targets.Count);
            for (var repeat = 1; repeat <= plan.Repeat; repeat++)
            {
                foreach (var connections in plan.Connections)
                {
                    foreach (var pipeline in plan.Pipelines)
                    {
                        // Every other round in reverse (A B C, C B A), so that no target always runs first in a cell.
                        foreach (var target in repeat % 2 == 1 ? targets : targets.Reverse())
                        {
                            observer.PointStarting(points.Count, total, target.Name, connections, pipeline, repeat);
                            var point = await RunPointAsync(plan, target, connections, pipeline, repeat, observer, cancellationToken).ConfigureAwait(false);
                            points.Add(point);
                            observer.PointDone(point);
                        }
                    }
                }
            }

            if (points.Any(p => p.LoadSaturated))
            {
                Note($"the load tool used ≥ {LoadResult.SaturatedPercent:0} % of its {points.Max(p => p.LoadCores)} core(s) at some points (marked): there the servers may be faster than measured; compare server CPU µs/request");
            }

            return new BenchReport(points, notes);
        }
        finally
        {
            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        }
    }

    private static async Task<BenchPoint> RunPointAsync(BenchPlan plan, BenchTarget target, int connections, int pipeline, int repeat, IBenchObserver observer, CancellationToken cancellationToken)
    {
        await PrepareListAsync(plan, target, cancellationToken).ConfigureAwait(false);
        var options = LoadOptionsFor(plan, target, connections, pipeline);
        int[] serverPids = target.Pid is { } pid ? [pid, .. target.StorePids] : [];
        var result = await LoadRunner.RunAsync(options, plan.Warmup, plan.Duration, serverPids, observer.Progress, cancellationToken).ConfigureAwait(false);
        return BenchPoint.From(target.Name, options, repeat, result);
    }

    // Every point, and the cold warm-up, starts from the same list: empty, then --prefill items.
    private static async Task PrepareListAsync(BenchPlan plan, BenchTarget target, CancellationToken cancellationToken)
    {
        await ListReset.ClearAsync(target, plan.Key, ClearTimeout, cancellationToken).ConfigureAwait(false);
        if (plan.Prefill > 0)
        {
            await ListFiller.FillAsync(target, plan.Prefill, plan.PayloadBytes, plan.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    private static LoadOptions LoadOptionsFor(BenchPlan plan, BenchTarget target, int connections, int pipeline) => new()
    {
        EndPoint = target.EndPoint,
        Protocol = target.Protocol,
        Connections = connections,
        Pipeline = pipeline,
        PayloadBytes = plan.PayloadBytes,
        Mix = plan.Mix,
        Key = plan.Key,
        Engine = plan.Engine,
        Threads = plan.Threads,
    };

    /// <summary>Pins this process to <see cref="LoadCore"/> and returns <see cref="ServerCore"/> for the servers; null (with a note) when it cannot.</summary>
    internal static int? Pin(Action<string> note)
    {
        if (CpuAffinity.TasksetPath is null)
        {
            note("--cpu: taskset not found (util-linux): nothing pinned");
            return null;
        }

        if (CpuAffinity.AllowedCores() < 2)
        {
            note("--cpu: fewer than 2 cores available: nothing pinned");
            return null;
        }

        if (!CpuAffinity.PinSelf(LoadCore))
        {
            note("--cpu: taskset could not pin this process: nothing pinned");
            return null;
        }

        return ServerCore;
    }

    private static async Task<IReadOnlyList<BenchTarget>> StartTargetsAsync(BenchPlan plan, int? serverCore, List<SpawnedServer> servers, Action<string> note, CancellationToken cancellationToken)
    {
        if (plan.Spawn.Count == 0)
        {
            var endPoint = plan.EndPoint ?? throw new ArgumentException("A plan needs servers to spawn or an endpoint.", nameof(plan));
            return [new BenchTarget(endPoint.ToString()!, endPoint, plan.Protocol, null)];
        }

        var targets = new List<BenchTarget>();
        foreach (var name in plan.Spawn)
        {
            if (SpawnKind.IsModel(name))
            {
                if (SpawnKind.NeedsRedisServer(name) && SpawnedServer.FindProgram(name) is null)
                {
                    note(MissingProgram(name));
                    continue;
                }

                var self = plan.Self ?? ProgramCommand.Self();
                var (server, target) = await SpawnedServer.StartModelAsync(self, name, serverCore, [], plan.StartTimeout, cancellationToken).ConfigureAwait(false);
                servers.Add(server);
                targets.Add(target);
                NoteStore(name, server, serverCore, note);
                if (plan.Baseline is { } baseline)
                {
                    var (before, beforeTarget) = await SpawnedServer.StartModelAsync(baseline, name, serverCore, [], plan.StartTimeout, cancellationToken, name + BenchPlan.BaselineSuffix).ConfigureAwait(false);
                    servers.Add(before);
                    targets.Add(beforeTarget);
                    NoteStore(beforeTarget.Name, before, serverCore, note);
                }

                NoteModelLimits(ModelSpawn.Parse(name).Model, plan, note);
                continue;
            }

            if (SpawnKind.IsReference(name))
            {
                var command = await ReferenceServers.PrepareAsync(name, note, cancellationToken).ConfigureAwait(false);
                if (command is null)
                {
                    continue;
                }

                var (reference, referenceTarget) = await SpawnedServer.StartReferenceAsync(name, command, serverCore, plan.StartTimeout, cancellationToken).ConfigureAwait(false);
                servers.Add(reference);
                targets.Add(referenceTarget);
                NoteModelLimits(name, plan, note);
                continue;
            }

            var program = SpawnedServer.FindProgram(name);
            if (program is null)
            {
                note(MissingProgram(name));
                continue;
            }

            var (resp, respTarget) = await SpawnedServer.StartRespAsync(name, program, serverCore, [], plan.StartTimeout, cancellationToken).ConfigureAwait(false);
            servers.Add(resp);
            targets.Add(respTarget);
            NoteStore(name, resp, serverCore, note);
        }

        return targets.Count > 0 ? targets : throw new InvalidOperationException("no target could be started");
    }

    /// <summary>Why <paramref name="name"/> cannot be started here: the program it needs, and how to install it.</summary>
    internal static string MissingProgram(string name) => SpawnKind.NeedsRedisServer(name)
        ? $"{name}: skipped, redis-server is not installed (apt-get install redis-server)"
        : $"{name}: skipped, garnet-server is not installed (dotnet tool install -g garnet-server)";

    // Where a durable target keeps its data, and what its server CPU covers, so the figures say what they measured.
    private static void NoteStore(string name, SpawnedServer server, int? serverCore, Action<string> note)
    {
        if (server.Store is { } store)
        {
            var where = serverCore is { } core ? $", pinned to core {core} with the server" : string.Empty;
            note($"{name}: the list lives in a redis-server of its own (pid {store.Pid}{where}); its CPU time counts in the server's");
        }

        if (server.DataDirectory is { } directory)
        {
            note($"{name}: data in {directory} ({FileSystems.TypeOf(directory)}), deleted at the end");
        }
    }

    private static void NoteModelLimits(string model, BenchPlan plan, Action<string> note)
    {
        var most = plan.Connections.Max();
        if (model == "sequential" && most > 1)
        {
            note($"sequential serves one connection at a time: at {most} connections the others wait in the backlog, and their requests count as unanswered errors");
        }
        else if (model == "pool" && most > 16)
        {
            note($"pool has 16 workers: beyond 16 connections the others wait for a worker, and their requests may count as unanswered errors");
        }
        else if (model == SpawnKind.PythonSelect && most > 1_000)
        {
            note($"python-select watches its sockets with select(), which cannot take descriptors past 1023: at {most} connections it fails");
        }
    }
}
