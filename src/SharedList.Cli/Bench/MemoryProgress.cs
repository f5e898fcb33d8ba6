using SharedList.Bench.Memory;
using Spectre.Console;

namespace SharedList.Cli.Bench;

/// <summary>
/// Shows a memory session's progress on stderr: on a terminal, a live Spectre.Console bar whose line names the
/// target and its current step; otherwise (a pipe, a log) one plain line per step. Keeps the points and notes
/// so an interrupted run can still write what it measured.
/// </summary>
internal sealed class MemoryProgress() : ProgressDisplay<MemoryPoint>("starting", new ElapsedTimeColumn()), IMemoryObserver
{
    public void PointStarting(int index, int total, string target, int repeat)
    {
        lock (Gate)
        {
            Label = $"[{index + 1}/{total}] {target} r={repeat}";
        }

        if (Bar is not null)
        {
            Bar.Value = index / (double)Math.Max(1, total);
        }
    }

    public void Step(string description)
    {
        string label;
        lock (Gate)
        {
            label = Label;
        }

        if (Bar is not null)
        {
            Bar.Description = Markup.Escape($"{label}: {description}");
        }
        else if (!Live)
        {
            Console.Error.WriteLine($"{label}: {description}");
        }
    }

    public void PointDone(MemoryPoint point)
    {
        var label = Record(point);
        if (!Live)
        {
            var connection = point.BytesPerIdleConnection is { } perConnection ? $"{perConnection:N0} bytes/idle connection" : "idle connections not measured";
            var item = point.BytesPerItem is { } perItem ? $"{perItem:N1} bytes/item" : "items not measured";
            Console.Error.WriteLine($"{label}: {connection}, {item}");
        }
    }
}
