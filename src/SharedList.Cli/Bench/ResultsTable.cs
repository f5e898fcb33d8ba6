using System.Globalization;
using SharedList.Bench.Results;
using SharedList.Bench.Session;
using SharedList.Bench.Targets;
using Spectre.Console;

namespace SharedList.Cli.Bench;

/// <summary>
/// The results as a Spectre.Console table on stdout: one row per (connections, pipeline, target), medians over
/// the repeats with the spread (min–max) of throughput and p99, and, when Redis was measured, each target's
/// throughput and server CPU per request as a ratio to Redis's in the same cell, paired round by round
/// (<see cref="PairedRatio"/>). With <c>--baseline</c>, each model's ratios to the same model from the other build.
/// When a model runs over a store and over memory in the same run (<c>async+journal</c> and <c>async</c>), the
/// store target's ratios to the memory one.
/// </summary>
internal static class ResultsTable
{
    public static void Write(BenchReport report, string builds)
    {
        // Colours only on a terminal: a file or a pipe gets the plain table.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (Console.IsOutputRedirected)
        {
            // No terminal to size the table by: wide enough that no column wraps in a log.
            console.Profile.Width = 240;
        }

        var summaries = report.Summaries.OrderBy(s => s.Connections).ThenBy(s => s.Pipeline).ToList();
        var hasRedis = summaries.Any(s => s.Target == SpawnKind.Redis);
        var hasBaseline = summaries.Any(s => s.Target.EndsWith(BenchPlan.BaselineSuffix, StringComparison.Ordinal));
        var targets = summaries.Select(s => s.Target).ToHashSet(StringComparer.Ordinal);
        var hasMemory = targets.Any(t => MemoryTwin(t) is { } twin && targets.Contains(twin));
        var repeats = summaries.Count > 0 ? summaries.Max(s => s.Repeats) : 0;
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("target");
        table.AddColumn(new TableColumn("conns").RightAligned());
        table.AddColumn(new TableColumn("pipe").RightAligned());
        table.AddColumn(new TableColumn(repeats > 1 ? "req/s (median)" : "req/s").RightAligned());
        if (repeats > 1)
        {
            table.AddColumn(new TableColumn("spread").RightAligned());
        }

        table.AddColumn(new TableColumn("p50 µs").RightAligned());
        table.AddColumn(new TableColumn("p90 µs").RightAligned());
        table.AddColumn(new TableColumn(repeats > 1 ? "p99 µs (spread)" : "p99 µs").RightAligned());
        table.AddColumn(new TableColumn("p99.9 µs").RightAligned());
        table.AddColumn(new TableColumn("max µs").RightAligned());
        table.AddColumn(new TableColumn("errors").RightAligned());
        table.AddColumn(new TableColumn("server µs/req").RightAligned());
        table.AddColumn(new TableColumn("load CPU").RightAligned());
        if (hasRedis)
        {
            table.AddColumn(new TableColumn("× redis req/s").RightAligned());
            table.AddColumn(new TableColumn("× redis CPU/req").RightAligned());
        }

        if (hasMemory)
        {
            table.AddColumn(new TableColumn("× memory req/s").RightAligned());
            table.AddColumn(new TableColumn("× memory CPU/req").RightAligned());
        }

        if (hasBaseline)
        {
            table.AddColumn(new TableColumn("× baseline req/s").RightAligned());
            table.AddColumn(new TableColumn("× baseline CPU/req").RightAligned());
        }

        foreach (var s in summaries)
        {
            var cells = new List<string>
            {
                Markup.Escape(s.Target),
                Int(s.Connections),
                Int(s.Pipeline),
                Number(s.Throughput),
            };
            if (repeats > 1)
            {
                cells.Add($"{Number(s.ThroughputMin)}–{Number(s.ThroughputMax)}");
            }

            cells.Add(Micros(s.P50Micros));
            cells.Add(Micros(s.P90Micros));
            cells.Add(repeats > 1 ? $"{Micros(s.P99Micros)} ({Micros(s.P99Min)}–{Micros(s.P99Max)})" : Micros(s.P99Micros));
            cells.Add(Micros(s.P999Micros));
            cells.Add(Micros(s.MaxMicros));
            cells.Add(s.Errors == 0 ? "0" : $"[red]{Int(s.Errors)}[/]");
            cells.Add(s.ServerCpuMicrosPerRequest is { } cpu ? cpu.ToString("0.00", CultureInfo.InvariantCulture) : "–");
            cells.Add(s.LoadCpuPercent is { } load ? (s.LoadSaturated ? $"[yellow]{load:0}% *[/]" : $"{load:0}%") : "–");
            if (hasRedis)
            {
                cells.Add(Ratio(PairedRatio.Median(report.Points, s.Target, SpawnKind.Redis, s.Connections, s.Pipeline, p => p.Throughput)));
                cells.Add(Ratio(PairedRatio.Median(report.Points, s.Target, SpawnKind.Redis, s.Connections, s.Pipeline, p => p.ServerCpuMicrosPerRequest)));
            }

            if (hasMemory)
            {
                var memory = MemoryTwin(s.Target);
                cells.Add(memory is null ? "–" : Ratio(PairedRatio.Median(report.Points, s.Target, memory, s.Connections, s.Pipeline, p => p.Throughput)));
                cells.Add(memory is null ? "–" : Ratio(PairedRatio.Median(report.Points, s.Target, memory, s.Connections, s.Pipeline, p => p.ServerCpuMicrosPerRequest)));
            }

            if (hasBaseline)
            {
                var twin = s.Target + BenchPlan.BaselineSuffix;
                cells.Add(Ratio(PairedRatio.Median(report.Points, s.Target, twin, s.Connections, s.Pipeline, p => p.Throughput)));
                cells.Add(Ratio(PairedRatio.Median(report.Points, s.Target, twin, s.Connections, s.Pipeline, p => p.ServerCpuMicrosPerRequest)));
            }

            table.AddRow([.. cells]);
        }

        table.Caption = new TableTitle(Markup.Escape(builds));
        console.Write(table);
        if ((hasRedis || hasMemory || hasBaseline) && repeats > 1)
        {
            console.MarkupLine("× redis, × memory, × baseline: the median of each round's ratio (targets take turns within a round, so a round's pair saw the same machine).");
        }

        if (summaries.Any(s => s.LoadSaturated))
        {
            console.MarkupLine("[yellow]*[/] the load tool was CPU-saturated: the server may be faster than measured; server µs/req still holds.");
        }
    }

    // The same model over memory, from the same build, for a model over a store: async+journal@baseline → async@baseline.
    private static string? MemoryTwin(string target)
    {
        var baseline = target.EndsWith(BenchPlan.BaselineSuffix, StringComparison.Ordinal);
        var name = baseline ? target[..^BenchPlan.BaselineSuffix.Length] : target;
        return ModelSpawn.TryParse(name, out var spawn, out _) && spawn.Store != SpawnStore.Memory
            ? spawn.Model + (baseline ? BenchPlan.BaselineSuffix : string.Empty)
            : null;
    }

    private static string Ratio(double? ratio) => ratio is { } value ? value.ToString("0.00", CultureInfo.InvariantCulture) : "–";

    private static string Int(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Micros(double value) => value.ToString(value < 100 ? "0.0" : "N0", CultureInfo.InvariantCulture);
}
