using Spectre.Console;

namespace SharedList.Cli.Bench;

/// <summary>
/// What the throughput and memory sessions' progress share: on a terminal, a live Spectre.Console bar on
/// stderr; otherwise (a pipe, a log) plain lines. Keeps the points and notes so an interrupted run can still
/// write what it measured.
/// </summary>
/// <typeparam name="TPoint">What one measured point is.</typeparam>
/// <remarks>Thread-safe: sessions report from their task and from timers.</remarks>
internal abstract class ProgressDisplay<TPoint>(string initialLabel, ProgressColumn timeColumn)
{
    private readonly List<TPoint> _points = [];
    private readonly List<string> _notes = [];

    /// <summary>Guards the points, the notes, <see cref="Label"/> and the subclass's own state.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>True on a terminal (a live bar), false when stderr is redirected (plain lines).</summary>
    protected bool Live { get; } = !Console.IsErrorRedirected;

    /// <summary>The live bar, once <see cref="RunAsync{T}"/> has drawn it.</summary>
    protected ProgressTask? Bar { get; private set; }

    /// <summary>The current point's name, as the bar and the plain lines show it. Under <see cref="Gate"/>.</summary>
    protected string Label { get; set; } = initialLabel;

    public IReadOnlyList<TPoint> Points
    {
        get
        {
            lock (Gate)
            {
                return [.. _points];
            }
        }
    }

    public IReadOnlyList<string> Notes
    {
        get
        {
            lock (Gate)
            {
                return [.. _notes];
            }
        }
    }

    /// <summary>Runs the session inside the live bar (or plainly); prints the notes once the bar is gone.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            if (!Live)
            {
                return await run(cancellationToken).ConfigureAwait(false);
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), timeColumn, new SpinnerColumn())
                .StartAsync(async context =>
                {
                    Bar = context.AddTask(Label, maxValue: 1);
                    return await run(cancellationToken).ConfigureAwait(false);
                })
                .ConfigureAwait(false);
        }
        finally
        {
            if (Live)
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
        lock (Gate)
        {
            _notes.Add(message);
        }

        if (!Live)
        {
            Console.Error.WriteLine($"note: {message}");
        }
    }

    /// <summary>Keeps a measured point; returns the label it was measured under.</summary>
    protected string Record(TPoint point)
    {
        lock (Gate)
        {
            _points.Add(point);
            return Label;
        }
    }
}
