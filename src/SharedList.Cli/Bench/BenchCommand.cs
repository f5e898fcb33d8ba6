using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using SharedList.Bench.Load;
using SharedList.Bench.Memory;
using SharedList.Bench.Results;
using SharedList.Bench.Session;
using SharedList.Bench.Targets;

namespace SharedList.Cli.Bench;

/// <summary>
/// <c>sharedlist bench</c>: closed-loop load against a running server (<c>--host/--port</c>) or against servers
/// it starts (<c>--spawn</c>), a results table on stdout, progress and notes on stderr, every point in
/// <c>--json</c>/<c>--csv</c>, an HTML report with charts in <c>--report</c>. With <c>--memory</c>, what idle
/// connections and items cost each spawned server in resident memory instead. Method and options: bench/README.md.
/// </summary>
internal static class BenchCommand
{
    private static readonly BenchPlan Defaults = new();

    private static readonly Option<string> Spawn = new("--spawn") { Description = $"Start these servers and load each in turn: {SpawnKind.Choices}. MODEL+journal keeps the list in a journal in a fresh temporary directory (--fsync everysec; -always, -no for the other policies), MODEL+redis in a redis-server of its own; redis-aof-always and redis-aof-everysec are Redis with its AOF. ceiling (a bare C epoll loop that stores nothing) needs gcc, the python-* ones (the lab's servers) python3, redis, redis-aof-* and MODEL+redis redis-server, garnet its server; each is skipped with a note when missing. Without it, load --host/--port." };

    private static readonly Option<string> Baseline = new("--baseline") { Description = "With --spawn: another sharedlist build (its sharedlist.dll, apphost, or their folder) to compare with. Each of our models (over its store, if any) is also started from it, as MODEL@baseline, and measured interleaved with this build.", HelpName = "build" };

    private static readonly Option<string> Host = new("--host") { Description = "Address of a running server to load (without --spawn).", DefaultValueFactory = _ => "127.0.0.1" };

    private static readonly Option<int> Port = new("--port", "-p") { Description = "Port of a running server to load (without --spawn).", DefaultValueFactory = _ => 9999 };

    private static readonly Option<string> ProtocolOption = EnumOption.Create("--protocol", "What the running server speaks: line (ours) or resp (Redis, RPUSH/LRANGE). Spawned servers speak their own.", LoadProtocol.Line);

    private static readonly Option<string> Connections = new("--connections", "-c") { Description = "Connections, comma-separated: one point each.", DefaultValueFactory = _ => "1,50,500" };

    private static readonly Option<string> Pipeline = new("--pipeline") { Description = "Requests in flight per connection (one write per batch), comma-separated: one point each.", DefaultValueFactory = _ => "1" };

    private static readonly Option<double> Duration = new("--duration", "-d") { Description = "Seconds measured per point.", DefaultValueFactory = _ => Defaults.Duration.TotalSeconds };

    private static readonly Option<double> Warmup = new("--warmup") { Description = "Seconds of load before each measured window, not recorded.", DefaultValueFactory = _ => Defaults.Warmup.TotalSeconds };

    private static readonly Option<double> ColdWarmup = new("--cold-warmup") { Description = "Seconds of load each target gets once, before the first point and not recorded, so the first round measures a warmed-up server (JIT tiers, the list's memory); 0 skips.", DefaultValueFactory = _ => Defaults.ColdWarmup.TotalSeconds };

    private static readonly Option<int> Payload = new("--payload") { Description = "Bytes of each appended item.", DefaultValueFactory = _ => Defaults.PayloadBytes };

    private static readonly Option<int> Prefill = new("--prefill") { Description = "Items of --payload bytes appended after each point's clear and before its warm-up, so LIST is measured on a list that size (e.g. --prefill 100000 --mix list=100).", DefaultValueFactory = _ => 0 };

    private static readonly Option<string> Mix = new("--mix") { Description = "Percent of each request kind: append=100, or e.g. append=90,list=10 (LIST / LRANGE key 0 -1).", DefaultValueFactory = _ => RequestMix.AppendsOnly.ToString() };

    private static readonly Option<int> Repeat = new("--repeat", "-r") { Description = "Rounds over the whole matrix, targets interleaved; the table shows medians and spread.", DefaultValueFactory = _ => 1 };

    private static readonly Option<bool> Cpu = new("--cpu") { Description = "Pin spawned servers to core 1 and the load to core 0 (taskset)." };

    private static readonly Option<string> Engine = EnumOption.Create("--engine", "How the load drives its sockets: epoll (threads each over many sockets; Linux) or async (.NET async sockets).", Defaults.Engine);

    private static readonly Option<int> Threads = new("--threads") { Description = "Threads of the epoll engine; 0 = one per core the load may use.", DefaultValueFactory = _ => 0 };

    private static readonly Option<string> Key = new("--key") { Description = "The list's key on a RESP server.", DefaultValueFactory = _ => Defaults.Key };

    private static readonly Option<FileInfo> Json = new("--json") { Description = "Write every point to this JSON file." };

    private static readonly Option<FileInfo> Csv = new("--csv") { Description = "Write every point to this CSV file." };

    private static readonly Option<FileInfo> Report = new("--report") { Description = "Write a self-contained HTML report (SVG charts, the table, parameters, machine) to this file." };

    private static readonly Option<DirectoryInfo> Charts = new("--charts") { Description = "Write each chart as a standalone SVG file into this folder (created if missing): throughput-pN.svg, p99-pN.svg, server-cpu-pN.svg per pipeline depth N." };

    private static readonly Option<bool> Memory = new("--memory") { Description = "Measure memory instead of throughput: the resident memory each spawned server gains per idle connection and per item (needs --spawn)." };

    private static readonly Option<int> IdleConnections = new("--idle-connections") { Description = "With --memory: connections to open and leave idle after one request each; 0 skips.", DefaultValueFactory = _ => MemoryPlan.DefaultIdleConnections };

    private static readonly Option<int> Items = new("--items") { Description = "With --memory: items of --payload bytes to append, then as many again (B/item is read over the second batch); 0 skips.", DefaultValueFactory = _ => MemoryPlan.DefaultItems };

    private static readonly Option<double> Settle = new("--settle") { Description = "With --memory: seconds a server's memory must stay unchanged (within 256 KB) before it is read.", DefaultValueFactory = _ => new MemoryPlan().SettleWindow.TotalSeconds };

    // What only the throughput matrix uses: refused with --memory rather than silently ignored.
    private static readonly Option[] ThroughputOnly = [Host, Port, ProtocolOption, Connections, Pipeline, Duration, Warmup, ColdWarmup, Prefill, Mix, Engine, Threads, Report, Charts];

    private static readonly Option[] MemoryOnly = [IdleConnections, Items, Settle];

    public static Command Create()
    {
        var command = new Command("bench", "Load a shared-list server (or Redis/Garnet) closed-loop and report throughput, latency percentiles, errors and server CPU per request. It clears the target's list before each point. With --memory: what idle connections and items cost each spawned server in memory.")
        {
            Spawn, Baseline, Host, Port, ProtocolOption, Connections, Pipeline, Duration, Warmup, ColdWarmup, Payload, Prefill, Mix, Repeat, Cpu, Engine, Threads, Key, Json, Csv, Report, Charts, Memory, IdleConnections, Items, Settle,
        };
        Validate(Spawn, text => SpawnKind.TryParseList(text, out var error) is null ? error : null);
        Validate(Connections, text => NumberList.TryParse(text, "--connections", 1, 60_000, out var error) is null ? error : null);
        Validate(Pipeline, text => NumberList.TryParse(text, "--pipeline", 1, 100_000, out var error) is null ? error : null);
        Validate(Mix, text => RequestMix.TryParse(text, out var error) is null ? error : null);
        Duration.AcceptSeconds(0.01, 86_400);
        Warmup.AcceptSeconds(0, 86_400);
        ColdWarmup.AcceptSeconds(0, 86_400);
        Payload.AcceptWhole(0, 60_000, unit: "bytes");
        Prefill.AcceptWhole(0, 10_000_000);
        Repeat.AcceptWhole(1, 1_000);
        Threads.AcceptWhole(0, 1_024);
        Port.AcceptWhole(1, 65_535);
        IdleConnections.AcceptWhole(0, 1_000_000);
        Items.AcceptWhole(0, 1_000_000_000);
        Settle.AcceptSeconds(0.25, 600);
        command.Validators.Add(ValidateMode);
        command.SetAction((parse, _) => RunAsync(parse));
        return command;
    }

    private static void ValidateMode(CommandResult result)
    {
        if (result.Given(Baseline) && !result.Given(Spawn))
        {
            result.AddError("--baseline compares spawned models: add --spawn, e.g. --spawn async,epoll");
        }

        if (!result.Peek(Memory))
        {
            foreach (var option in MemoryOnly.Where(o => result.Given(o)))
            {
                result.AddError($"{option.Name} needs --memory.");
            }

            return;
        }

        if (!result.Given(Spawn))
        {
            result.AddError("--memory measures servers it starts: add --spawn, e.g. --memory --spawn async,redis.");
        }

        foreach (var option in ThroughputOnly.Where(o => result.Given(o)))
        {
            result.AddError($"{option.Name} is for throughput runs, not --memory.");
        }

        if (result.Given(IdleConnections) && result.Peek(IdleConnections) == 0 && result.Given(Items) && result.Peek(Items) == 0)
        {
            result.AddError("--idle-connections 0 and --items 0 leave --memory nothing to measure.");
        }
    }

    private static void Validate(Option<string> option, Func<string?, string?> check) => option.Validators.Add(result =>
    {
        if (check(result.GetValueOrDefault<string>()) is { } error)
        {
            result.AddError(error);
        }
    });

    private static async Task<int> RunAsync(ParseResult parse)
    {
        if (parse.GetValue(Memory))
        {
            return await RunMemoryAsync(parse).ConfigureAwait(false);
        }

        var plan = new BenchPlan
        {
            Spawn = parse.GetValue(Spawn) is { } spawn ? SpawnKind.TryParseList(spawn, out _)! : [],
            Protocol = parse.GetValue<LoadProtocol>(ProtocolOption),
            Connections = NumberList.TryParse(parse.GetValue(Connections), "--connections", 1, 60_000, out _)!,
            Pipelines = NumberList.TryParse(parse.GetValue(Pipeline), "--pipeline", 1, 100_000, out _)!,
            Duration = TimeSpan.FromSeconds(parse.GetValue(Duration)),
            Warmup = TimeSpan.FromSeconds(parse.GetValue(Warmup)),
            ColdWarmup = TimeSpan.FromSeconds(parse.GetValue(ColdWarmup)),
            PayloadBytes = parse.GetValue(Payload),
            Prefill = parse.GetValue(Prefill),
            Mix = RequestMix.TryParse(parse.GetValue(Mix), out _)!,
            Repeat = parse.GetValue(Repeat),
            PinCpu = parse.GetValue(Cpu),
            Engine = parse.GetValue<LoadEngineKind>(Engine),
            Threads = parse.GetValue(Threads),
            Key = parse.GetValue(Key)!,
        };

        if (!TryGetBaseline(parse, out var baseline))
        {
            return 1;
        }

        plan = plan with { Baseline = baseline };
        var builds = MeasuredBuilds.Describe(baseline);
        if (plan.Spawn.Count == 0)
        {
            try
            {
                plan = plan with { EndPoint = new IPEndPoint(HostName.Resolve(parse.GetValue(Host)!), parse.GetValue(Port)) };
            }
            catch (SocketException e)
            {
                await Console.Error.WriteLineAsync($"error: cannot resolve --host {parse.GetValue(Host)}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Cancel(context, stop));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Cancel(context, stop));
        var observer = new BenchProgress(plan);
        BenchReport report;
        try
        {
            report = await observer.RunAsync(token => BenchSession.RunAsync(plan, observer, token), stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Every spawned server is killed by now; keep what was measured.
            report = new BenchReport(observer.Points, [.. builds.Notes, .. observer.Notes, "interrupted: only the points measured before the interruption"]);
            WriteFiles(parse, plan, report);
            await Console.Error.WriteLineAsync("interrupted").ConfigureAwait(false);
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or SocketException or TimeoutException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        report = report with { Notes = [.. builds.Notes, .. report.Notes] };
        ResultsTable.Write(report, builds.Caption);
        WriteFiles(parse, plan, report);
        return 0;
    }

    // The build --baseline names, or null without it; false (after saying why) when it cannot be used.
    private static bool TryGetBaseline(ParseResult parse, out ProgramCommand? baseline)
    {
        baseline = null;
        if (parse.GetValue(Baseline) is not { } path)
        {
            return true;
        }

        try
        {
            baseline = ProgramCommand.Build(path);
            return true;
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine($"error: --baseline {e.Message}");
            return false;
        }
    }

    private static async Task<int> RunMemoryAsync(ParseResult parse)
    {
        if (!TryGetBaseline(parse, out var baseline))
        {
            return 1;
        }

        var builds = MeasuredBuilds.Describe(baseline);
        var plan = new MemoryPlan
        {
            Baseline = baseline,
            Spawn = SpawnKind.TryParseList(parse.GetValue(Spawn), out _)!,
            IdleConnections = parse.GetValue(IdleConnections),
            Items = parse.GetValue(Items),
            PayloadBytes = parse.GetValue(Payload),
            Repeat = parse.GetValue(Repeat),
            PinCpu = parse.GetValue(Cpu),
            Key = parse.GetValue(Key)!,
            SettleWindow = TimeSpan.FromSeconds(parse.GetValue(Settle)),
        };

        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Cancel(context, stop));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Cancel(context, stop));
        var observer = new MemoryProgress();
        MemoryReport report;
        try
        {
            report = await observer.RunAsync(token => MemorySession.RunAsync(plan, observer, token), stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            report = new MemoryReport(observer.Points, [.. builds.Notes, .. observer.Notes, "interrupted: only the targets measured before the interruption"]);
            WriteMemoryFiles(parse, report);
            await Console.Error.WriteLineAsync("interrupted").ConfigureAwait(false);
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or SocketException or TimeoutException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        report = report with { Notes = [.. builds.Notes, .. report.Notes] };
        MemoryTable.Write(report, plan, builds.Caption);
        WriteMemoryFiles(parse, report);
        return 0;
    }

    private static void WriteMemoryFiles(ParseResult parse, MemoryReport report)
    {
        if (parse.GetValue(Json) is { } json)
        {
            using var stream = File.Create(json.FullName);
            ResultFiles.WriteJson(stream, report.Points, report.Notes);
        }

        if (parse.GetValue(Csv) is { } csv)
        {
            using var writer = new StreamWriter(csv.FullName);
            ResultFiles.WriteCsv(writer, report.Points);
        }
    }

    private static void Cancel(PosixSignalContext context, CancellationTokenSource stop)
    {
        // Stop our way: cancel the run, kill the servers, write what was measured, exit 130. Cancelled on the
        // thread pool: Cancel runs the run's continuations inline, and they must not hold up the runtime's
        // signal handling, which also reaps the servers we are about to kill (SIGCHLD).
        context.Cancel = true;
        ThreadPool.QueueUserWorkItem(_ => stop.Cancel());
    }

    private static void WriteFiles(ParseResult parse, BenchPlan plan, BenchReport report)
    {
        if (parse.GetValue(Json) is { } json)
        {
            using var stream = File.Create(json.FullName);
            ResultFiles.WriteJson(stream, report.Points, report.Notes);
        }

        if (parse.GetValue(Csv) is { } csv)
        {
            using var writer = new StreamWriter(csv.FullName);
            ResultFiles.WriteCsv(writer, report.Points);
        }

        if (parse.GetValue(Charts) is { } folder)
        {
            folder.Create();
            foreach (var chart in ReportCharts.Build(report.Summaries))
            {
                File.WriteAllText(Path.Combine(folder.FullName, chart.FileName), chart.Svg);
            }
        }

        if (parse.GetValue(Report) is { } html)
        {
            File.WriteAllText(html.FullName, HtmlReport.Render(report.Summaries, report.Notes, ReportContext.ThisMachine(plan.Describe())));
        }
    }
}
