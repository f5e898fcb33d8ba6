using SharedList.Bench.Memory;
using Spectre.Console;

namespace SharedList.Cli.Bench;

/// <summary>
/// Shows a memory session's progress on stderr: on a terminal, a live Spectre.Console bar whose line names the
/// target and its current step; otherwise (a pipe, a log) one plain line per step. Keeps the points and notes
/// so an interrupted run can still write what it measured.
/// </summary>
internal sealed class MemoryProgress : IMemoryObserver
{
    private readonly Lock _gate = new();
    private readonly List<MemoryPoint> _points = [];
    private readonly List<string> _notes = [];
    private readonly bool _live = !Console.IsErrorRedirected;
    private ProgressTask? _bar;
    private string _label = "starting";

    public IReadOnlyList<MemoryPoint> Points
    {
        get
        {
            lock (_gate)
            {
                return [.. _points];
            }
        }
    }

    public IReadOnlyList<string> Notes
    {
        get
        {
            lock (_gate)
            {
                return [.. _notes];
            }
        }
    }

    /// <summary>Runs the session inside the live bar (or plainly); prints the notes once the bar is gone.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        try
        {
            if (!_live)
            {
                return await run(cancellationToken).ConfigureAwait(false);
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    _bar = context.AddTask(_label, maxValue: 1);
                    return await run(cancellationToken).ConfigureAwait(false);
                })
                .ConfigureAwait(false);
        }
        finally
        {
            if (_live)
            {
                foreach (var note in Notes)
                {
                    Console.Error.WriteLine($"note: {note}");
                }
            }
        }
    }

    public void Note(string message)
    {
        lock (_gate)
        {
            _notes.Add(message);
        }

        if (!_live)
        {
            Console.Error.WriteLine($"note: {message}");
        }
    }

    public void PointStarting(int index, int total, string target, int repeat)
    {
        lock (_gate)
        {
            _label = $"[{index + 1}/{total}] {target} r={repeat}";
        }

        if (_bar is not null)
        {
            _bar.Value = index / (double)Math.Max(1, total);
        }
    }

    public void Step(string description)
    {
        string label;
        lock (_gate)
        {
            label = _label;
        }

        if (_bar is not null)
        {
            _bar.Description = Markup.Escape($"{label}: {description}");
        }
        else if (!_live)
        {
            Console.Error.WriteLine($"{label}: {description}");
        }
    }

    public void PointDone(MemoryPoint point)
    {
        string label;
        lock (_gate)
        {
            _points.Add(point);
            label = _label;
        }

        if (!_live)
        {
            var connection = point.BytesPerIdleConnection is { } perConnection ? $"{perConnection:N0} bytes/idle connection" : "idle connections not measured";
            var item = point.BytesPerItem is { } perItem ? $"{perItem:N1} bytes/item" : "items not measured";
            Console.Error.WriteLine($"{label}: {connection}, {item}");
        }
    }
}
