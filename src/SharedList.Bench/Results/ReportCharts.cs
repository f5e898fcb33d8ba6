using System.Globalization;

namespace SharedList.Bench.Results;

/// <summary>What a chart plots against connections.</summary>
public enum ChartKind
{
    /// <summary>Requests per second, in thousands.</summary>
    Throughput,

    /// <summary>The 99th percentile of latency.</summary>
    P99Latency,

    /// <summary>The server's CPU time per request (µs): the figure that counts where the load tool saturates.</summary>
    ServerCpu,
}

/// <summary>One chart of a run: its kind, the pipeline depth it is for, a file name and the standalone SVG.</summary>
public sealed record NamedChart(ChartKind Kind, int Pipeline, string FileName, string Svg);

/// <summary>
/// The charts of a run, per pipeline depth: throughput, p99 latency and server CPU per request against
/// connections, one line per target in the same colour everywhere. The HTML report shows them all, and so do the
/// files of <c>--charts</c> (standalone SVG, for a README or docs).
/// </summary>
public static class ReportCharts
{
    /// <summary>Every chart of these summaries, in order of pipeline, then kind. No CPU chart when no CPU was measured.</summary>
    public static IReadOnlyList<NamedChart> Build(IReadOnlyList<PointSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var charts = new List<NamedChart>();
        if (summaries.Count == 0)
        {
            return charts;
        }

        var targets = summaries.Select(s => s.Target).Distinct().ToList();
        string ColorOf(string target) => HtmlReport.Palette[targets.IndexOf(target) % HtmlReport.Palette.Count];

        // Latency in ms once the slowest p99 reaches 2 ms: "5000 µs" tick labels read worse than "5 ms".
        var inMillis = summaries.Max(s => Math.Max(s.P99Micros, s.P99Max)) >= 2_000;
        var latencyScale = inMillis ? 1e-3 : 1;
        var latencyUnit = inMillis ? "ms" : "µs";
        foreach (var pipeline in summaries.Select(s => s.Pipeline).Distinct().Order())
        {
            var cell = summaries.Where(s => s.Pipeline == pipeline).ToList();
            var present = targets.Where(t => cell.Any(s => s.Target == t)).ToList();
            // A target with nothing to plot (no CPU reading for a server not started here) gets no line at all.
            List<ChartSeries> SeriesOf(Func<PointSummary, ChartPoint?> point) => [.. present
                .Select(t => new ChartSeries(t, ColorOf(t), [.. cell.Where(s => s.Target == t).Select(point).OfType<ChartPoint>()]))
                .Where(series => series.Points.Count > 0)];

            var throughput = SeriesOf(s => new ChartPoint(s.Connections, s.Throughput / 1e3, s.ThroughputMin / 1e3, s.ThroughputMax / 1e3, s.LoadSaturated));
            var latency = SeriesOf(s => new ChartPoint(s.Connections, s.P99Micros * latencyScale, s.P99Min * latencyScale, s.P99Max * latencyScale, s.LoadSaturated));

            // A log latency axis when p99 spans 20× or more: 30 µs at one connection and 5 ms at 500 are both readable.
            var p99s = cell.Select(s => s.P99Micros).Where(v => v > 0).ToList();
            var logLatency = p99s.Count == cell.Count && p99s.Max() >= 20 * p99s.Min();

            charts.Add(new NamedChart(ChartKind.Throughput, pipeline, Name("throughput", pipeline), SvgChart.Render(Invariant($"Throughput, pipeline {pipeline}"), "connections", "throughput (k req/s)", throughput)));
            charts.Add(new NamedChart(ChartKind.P99Latency, pipeline, Name("p99", pipeline), SvgChart.Render(Invariant($"p99 latency, pipeline {pipeline}"), "connections", $"p99 latency ({latencyUnit})", latency, logLatency)));
            if (cell.Any(s => s.ServerCpuMicrosPerRequest is not null))
            {
                var cpu = SeriesOf(s => s.ServerCpuMicrosPerRequest is { } micros ? new ChartPoint(s.Connections, micros, micros, micros, Hollow: false) : null);
                charts.Add(new NamedChart(ChartKind.ServerCpu, pipeline, Name("server-cpu", pipeline), SvgChart.Render(Invariant($"Server CPU per request, pipeline {pipeline}"), "connections", "server CPU (µs per request, lower is better)", cpu)));
            }
        }

        return charts;
    }

    private static string Name(string kind, int pipeline) => Invariant($"{kind}-p{pipeline}.svg");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
