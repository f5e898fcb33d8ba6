using System.Globalization;
using System.Text;

namespace SharedList.Bench.Results;

/// <summary>
/// <c>sharedlist bench --report</c>: one self-contained HTML page (inline CSS and SVG, no script, no external
/// resource, so it reads the same offline or attached to a mail) with, per pipeline depth, throughput and p99
/// latency against connections, one line per target; then the summary table, the notes, the parameters and the
/// machine. Pure: data in, text out.
/// </summary>
public static class HtmlReport
{
    /// <summary>Series colours, one per target in order of appearance: distinct, and none used elsewhere on the page.</summary>
    public static readonly IReadOnlyList<string> Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#393b79", "#7f7f7f", "#000000"];

    private const string Style = """
        body { font-family: sans-serif; margin: 16px; color: #222222; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 20px 0 8px; }
        .machine, .empty { color: #555555; margin: 0 0 8px; }
        .pair { display: flex; flex-wrap: wrap; gap: 16px; }
        .chart { border: 1px solid #e4e4e4; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #dddddd; padding: 3px 8px; }
        th { background: #f2f2f2; text-align: left; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .saturated { font-weight: bold; }
        """;

    /// <summary>The page for these summaries (any order), the session's notes and the run's context.</summary>
    public static string Render(IReadOnlyList<PointSummary> summaries, IReadOnlyList<string> notes, ReportContext context)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        ArgumentNullException.ThrowIfNull(notes);
        ArgumentNullException.ThrowIfNull(context);
        var date = context.Date.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>sharedlist bench, ").Append(Escape(date)).Append("</title>\n");
        html.Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>sharedlist bench</h1>\n");
        html.Append(Invariant($"<p class=\"machine\">{Escape(date)} · {context.Cores} cores · {Escape(context.OperatingSystem)} · {Escape(context.Runtime)}</p>\n"));

        if (summaries.Count == 0)
        {
            html.Append("<p class=\"empty\">Nothing to show: no point was measured.</p>\n");
        }
        else
        {
            AppendCharts(html, summaries);
            AppendTable(html, summaries);
        }

        if (notes.Count > 0)
        {
            html.Append("<h2>Notes</h2>\n<ul>\n");
            foreach (var note in notes)
            {
                html.Append("<li>").Append(Escape(note)).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("<h2>Parameters</h2>\n<table class=\"parameters\">\n");
        foreach (var (name, value) in context.Parameters)
        {
            html.Append("<tr><th>").Append(Escape(name)).Append("</th><td>").Append(Escape(value)).Append("</td></tr>\n");
        }

        html.Append("</table>\n<h2>Machine</h2>\n<table class=\"machine-table\">\n");
        html.Append(Invariant($"<tr><th>cores</th><td>{context.Cores}</td></tr>\n"));
        html.Append("<tr><th>OS</th><td>").Append(Escape(context.OperatingSystem)).Append("</td></tr>\n");
        html.Append("<tr><th>.NET</th><td>").Append(Escape(context.Runtime)).Append("</td></tr>\n");
        html.Append("<tr><th>date</th><td>").Append(Escape(date)).Append("</td></tr>\n");
        html.Append("</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Text safe in HTML and in XML alike (content and quoted attributes); control characters become '?'.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                < ' ' and not '\t' and not '\n' => "?",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    private static void AppendCharts(StringBuilder html, IReadOnlyList<PointSummary> summaries)
    {
        // Each pipeline depth's charts side by side: throughput, p99 latency and, when it was measured, server CPU
        // per request, the figure that still holds where the load tool saturates.
        foreach (var pipeline in ReportCharts.Build(summaries).GroupBy(c => c.Pipeline))
        {
            html.Append(Invariant($"<h2>Pipeline {pipeline.Key}</h2>\n<div class=\"pair\">\n"));
            foreach (var chart in pipeline)
            {
                html.Append(chart.Svg).Append('\n');
            }

            html.Append("</div>\n");
        }

        html.Append("<p class=\"empty\">Bars: min–max over the repeats. Hollow markers: the load tool was saturated (≥ 90 % CPU), the server may be faster than drawn.</p>\n");
    }

    private static void AppendTable(StringBuilder html, IReadOnlyList<PointSummary> summaries)
    {
        var targets = summaries.Select(s => s.Target).Distinct().ToList();
        html.Append("<h2>Results</h2>\n<table class=\"results\">\n<tr>");
        foreach (var column in new[]
        {
            "target", "connections", "pipeline", "repeats", "k req/s (median)", "k req/s (min–max)", "p50 µs", "p99 µs (median)",
            "p99 µs (min–max)", "p99.9 µs", "max µs", "errors", "server CPU µs/req", "load CPU %", "load saturated",
        })
        {
            html.Append("<th>").Append(Escape(column)).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (var s in summaries.OrderBy(s => s.Pipeline).ThenBy(s => s.Connections).ThenBy(s => targets.IndexOf(s.Target)))
        {
            html.Append("<tr><td>").Append(Escape(s.Target)).Append("</td>");
            foreach (var cell in new[]
            {
                Invariant($"{s.Connections}"), Invariant($"{s.Pipeline}"), Invariant($"{s.Repeats}"),
                Number(s.Throughput / 1e3), $"{Number(s.ThroughputMin / 1e3)}–{Number(s.ThroughputMax / 1e3)}",
                Number(s.P50Micros), Number(s.P99Micros), $"{Number(s.P99Min)}–{Number(s.P99Max)}", Number(s.P999Micros), Number(s.MaxMicros),
                Invariant($"{s.Errors}"),
                s.ServerCpuMicrosPerRequest is { } cpu ? Number(cpu) : "–",
                s.LoadCpuPercent is { } load ? load.ToString("0", CultureInfo.InvariantCulture) : "–",
            })
            {
                html.Append("<td class=\"n\">").Append(Escape(cell)).Append("</td>");
            }

            html.Append(s.LoadSaturated ? "<td class=\"saturated\">yes *</td>" : "<td>no</td>");
            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static string Number(double value) => Math.Abs(value) switch
    {
        double.NaN => "–",
        >= 100 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
