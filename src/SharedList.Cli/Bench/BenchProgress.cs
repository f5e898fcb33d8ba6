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
internal sealed class BenchProgress(BenchPlan plan) : ProgressDisplay<BenchPoint>("starting servers", new RemainingTimeColumn()), IBenchObserver
{
    private readonly double _secondsPerPoint = Math.Max(0.001, (plan.Warmup + plan.Duration).TotalSeconds);
    private int _index;
    private int _total = 1;
    private long _pointStarted;
    private long _lastCompleted;
    private long _lastTime;
    private double _rate;

    // Before the first point: the bar stays at 0 while the targets are warmed up.
    private bool _coldWarmup;

    public void WarmingUp(string target, TimeSpan length)
    {
        lock (Gate)
        {
            _coldWarmup = true;
            Restart($"cold warm-up: {target}, {length.TotalSeconds:0.#} s");
        }

        if (!Live)
        {
            Console.Error.WriteLine(Label);
        }
    }

    public void PointStarting(int index, int total, string target, int connections, int pipeline, int repeat)
    {
        lock (Gate)
        {
            _coldWarmup = false;
            _index = index;
            _total = Math.Max(1, total);
            Restart($"[{index + 1}/{total}] {target} c={connections} p={pipeline} r={repeat}");
        }
    }

    // Under Gate: a new load run begins, with its own label, clock and rate.
    private void Restart(string label)
    {
        Label = label;
        _pointStarted = _lastTime = Stopwatch.GetTimestamp();
        _lastCompleted = 0;
        _rate = 0;
    }

    public void Progress(LoadPhase phase, long completed)
    {
        if (Bar is null)
        {
            return;
        }

        string description;
        double value;
        lock (Gate)
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
            value = _coldWarmup ? 0 : (_index + within) / _total;
            var what = phase == LoadPhase.Warmup ? "warm-up" : phase == LoadPhase.Measure ? "measuring" : "draining";
            description = _coldWarmup ? $"{Label} {_rate:N0} req/s" : $"{Label} {what} {_rate:N0} req/s";
        }

        Bar.Description = Markup.Escape(description);
        Bar.Value = value;
    }

    public void PointDone(BenchPoint point)
    {
        var label = Record(point);
        if (!Live)
        {
            var cpu = point.ServerCpuMicrosPerRequest is { } micros ? $", server {micros:0.0} µs/req" : string.Empty;
            Console.Error.WriteLine($"{label}: {point.Throughput:N0} req/s, p50 {point.P50Micros:0} µs, p99 {point.P99Micros:0} µs, errors {point.Errors}{cpu}, load CPU {point.LoadCpuPercent:0} %");
        }
    }
}
