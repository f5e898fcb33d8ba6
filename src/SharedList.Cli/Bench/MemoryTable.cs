using System.Globalization;
using SharedList.Bench.Memory;
using SharedList.Bench.Targets;
using Spectre.Console;

namespace SharedList.Cli.Bench;

/// <summary>
/// The memory results as a Spectre.Console table on stdout: one row per target, medians over the repeats with
/// the spread (min–max) of the per-connection and per-item costs, and, when Redis was measured, each target's
/// costs as a ratio to Redis's.
/// </summary>
internal static class MemoryTable
{
    public static void Write(MemoryReport report, MemoryPlan plan, string builds)
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
            console.Profile.Width = 240;
        }

        var summaries = report.Summaries;
        var redis = summaries.FirstOrDefault(s => s.Target == SpawnKind.Redis);
        var repeats = summaries.Count > 0 ? summaries.Max(s => s.Repeats) : 0;
        var spread = repeats > 1;
        var table = new Table().Border(TableBorder.Rounded);
        table.Title = new TableTitle(Markup.Escape(
            $"server memory (RSS growth): {plan.IdleConnections:N0} idle connections, {plan.Items:N0} items of {plan.PayloadBytes} bytes, {repeats} round(s)"));
        table.Caption = new TableTitle(Markup.Escape(builds));
        table.AddColumn("target");
        table.AddColumn(new TableColumn("baseline RSS").RightAligned());
        table.AddColumn(new TableColumn("B/conn (connected)").RightAligned());
        table.AddColumn(new TableColumn(spread ? "B/idle conn (spread)" : "B/idle conn").RightAligned());
        table.AddColumn(new TableColumn(spread ? "B/item (spread)" : "B/item").RightAligned());
        table.AddColumn(new TableColumn("list").RightAligned());
        if (redis is not null)
        {
            table.AddColumn(new TableColumn("× redis B/idle conn").RightAligned());
            table.AddColumn(new TableColumn("× redis B/item").RightAligned());
        }

        foreach (var s in summaries)
        {
            var cells = new List<string>
            {
                Markup.Escape(s.Target) + (s.Settled ? string.Empty : " [yellow]*[/]"),
                Megabytes(s.BaselineBytes),
                Bytes(s.BytesPerConnection, "N0"),
                WithSpread(s.BytesPerIdleConnection, s.BytesPerIdleConnectionMin, s.BytesPerIdleConnectionMax, "N0", spread),
                WithSpread(s.BytesPerItem, s.BytesPerItemMin, s.BytesPerItemMax, "N1", spread),
                Megabytes(s.ListBytes),
            };
            if (redis is not null)
            {
                cells.Add(Ratio(s.BytesPerIdleConnection, redis.BytesPerIdleConnection));
                cells.Add(Ratio(s.BytesPerItem, redis.BytesPerItem));
            }

            table.AddRow([.. cells]);
        }

        console.Write(table);
        if (summaries.Any(s => !s.Settled))
        {
            console.MarkupLine("[yellow]*[/] some reading was taken while the memory was still changing: see the notes.");
        }
    }

    private static string WithSpread(double? median, double? min, double? max, string format, bool spread) =>
        median is null ? "–" : spread ? $"{Bytes(median, format)} ({Bytes(min, format)}–{Bytes(max, format)})" : Bytes(median, format);

    private static string Bytes(double? value, string format) => value is { } bytes ? bytes.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Megabytes(double? value) => value is { } bytes ? (bytes / (1024 * 1024)).ToString("N1", CultureInfo.InvariantCulture) + " MB" : "–";

    private static string Ratio(double? value, double? reference) =>
        value is { } ours && reference is { } theirs && theirs > 0 ? (ours / theirs).ToString("0.00", CultureInfo.InvariantCulture) : "–";
}
