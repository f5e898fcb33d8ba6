using System.Diagnostics;
using SharedList.Bench.Load;
using SharedList.Bench.Results;
using SharedList.Bench.Session;
using Spectre.Console;

namespace SharedList.Cli.Bench;

/// <summary>
/// Shows a session's progress on stderr: on a terminal, a live Spectre.Console bar whose line names the point
/// and its current requests/s; otherwise (a pipe, a log) one plain line per point. Keeps the points and notes
/// so an interrupted run can still write what it measured.
/// </summary>
internal sealed class BenchProgress : IBenchObserver
{
    private readonly Lock _gate = new();
    private readonly List<BenchPoint> _points = [];
    private readonly List<string> _notes = [];
    private readonly double _secondsPerPoint;
    private readonly bool _live = !Console.IsErrorRedirected;
    private ProgressTask? _bar;
    private string _label = "starting servers";
    private int _index;
    private int _total = 1;
    private long _pointStarted;
    private long _lastCompleted;
    private long _lastTime;
    private double _rate;

    public BenchProgress(BenchPlan plan) => _secondsPerPoint = Math.Max(0.001, (plan.Warmup + plan.Duration).TotalSeconds);

    public IReadOnlyList<BenchPoint> Points
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
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
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

    public void PointStarting(int index, int total, string target, int connections, int pipeline, int repeat)
    {
        lock (_gate)
        {
            _index = index;
            _total = Math.Max(1, total);
            _label = $"[{index + 1}/{total}] {target} c={connections} p={pipeline} r={repeat}";
            _pointStarted = _lastTime = Stopwatch.GetTimestamp();
            _lastCompleted = 0;
            _rate = 0;
        }
    }

    public void Progress(LoadPhase phase, long completed)
    {
        if (_bar is null)
        {
            return;
        }

        string description;
        double value;
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var seconds = (now - _lastTime) / (double)Stopwatch.Frequency;
            if (seconds >= 0.05)
            {
                var rate = (completed - _lastCompleted) / seconds;
                _rate = _rate == 0 ? rate : (0.7 * _rate) + (0.3 * rate);
                _lastCompleted = completed;
                _lastTime = now;
            }

            var within = Math.Min(1, Stopwatch.GetElapsedTime(_pointStarted).TotalSeconds / _secondsPerPoint);
            value = (_index + within) / _total;
            var what = phase == LoadPhase.Warmup ? "warm-up" : phase == LoadPhase.Measure ? "measuring" : "draining";
            description = $"{_label} {what} {_rate:N0} req/s";
        }

        _bar.Description = Markup.Escape(description);
        _bar.Value = value;
    }

    public void PointDone(BenchPoint point)
    {
        string label;
        lock (_gate)
        {
            _points.Add(point);
            label = _label;
        }

        if (!_live)
        {
            var cpu = point.ServerCpuMicrosPerRequest is { } micros ? $", server {micros:0.0} µs/req" : string.Empty;
            Console.Error.WriteLine($"{label}: {point.Throughput:N0} req/s, p50 {point.P50Micros:0} µs, p99 {point.P99Micros:0} µs, errors {point.Errors}{cpu}, load CPU {point.LoadCpuPercent:0} %");
        }
    }
}
