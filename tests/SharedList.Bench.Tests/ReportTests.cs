using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SharedList.Bench.Results;

namespace SharedList.Bench.Tests;

/// <summary>
/// <c>sharedlist bench --report</c>: the page's structure (each chart parses as XML, one line per target, higher
/// throughput drawn higher, names escaped), and the page as Chromium actually draws it.
/// </summary>
public sealed partial class ReportTests(ITestOutputHelper output)
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly string[] Targets = ["async", "redis", "garnet"];

    private static readonly int[] Connections = [1, 50, 500];

    private static readonly ReportContext Context = new(
        [new("--spawn", "async, redis, garnet"), new("--connections", "1, 50, 500")],
        2,
        "Debian GNU/Linux 12 (bookworm)",
        ".NET 10.0.0",
        new DateTimeOffset(2025, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Each_chart_is_xml_with_one_line_per_target_of_three_points_left_to_right_and_the_cpu_chart_is_shown_too()
    {
        var html = HtmlReport.Render(Summaries(Targets, [1]), [], Context);

        var charts = Charts(html);
        Assert.Equal(["Throughput, pipeline 1", "p99 latency, pipeline 1", "Server CPU per request, pipeline 1"], charts.Select(Title));

        // Server CPU is known only for the servers this run started: the others have no line there.
        var cpu = charts.Single(IsCpuChart);
        Assert.Equal(Targets[1..], cpu.Descendants(Svg + "polyline").Select(l => (string?)l.Attribute("data-target")));
        foreach (var chart in charts.Where(c => c != cpu))
        {
            var lines = chart.Descendants(Svg + "polyline").ToList();
            Assert.Equal(Targets, lines.Select(l => (string?)l.Attribute("data-target")));
            foreach (var line in lines)
            {
                var xs = Points(line).Select(p => p.X).ToList();
                Assert.Equal(3, xs.Count);
                Assert.Equal(xs.Order(), xs);
                Assert.Equal(xs.Count, xs.Distinct().Count());
            }
        }
    }

    [Fact]
    public void The_chart_files_are_three_standalone_svgs_per_pipeline_and_the_cpu_chart_draws_lower_cpu_lower()
    {
        var charts = ReportCharts.Build(Summaries(Targets, [1, 16]));

        Assert.Equal(
            ["throughput-p1.svg", "p99-p1.svg", "server-cpu-p1.svg", "throughput-p16.svg", "p99-p16.svg", "server-cpu-p16.svg"],
            charts.Select(c => c.FileName));
        foreach (var chart in charts)
        {
            Assert.Equal(Svg + "svg", XDocument.Parse(chart.Svg).Root!.Name);
        }

        // Summaries gives garnet less CPU per request than redis, and none for async (not measured): no line.
        var cpu = XDocument.Parse(charts.First(c => c.Kind == ChartKind.ServerCpu).Svg).Root!;
        var lines = cpu.Descendants(Svg + "polyline").ToDictionary(l => (string)l.Attribute("data-target")!, Points);
        Assert.Equal(["redis", "garnet"], lines.Keys);
        Assert.True(lines["garnet"][0].Y > lines["redis"][0].Y, "less CPU is drawn lower");
    }

    [Fact]
    public void Ten_targets_get_ten_colours_and_a_legend_that_fits_inside_the_chart()
    {
        string[] many = ["epoll", "async", "select", "threading", "redis", "garnet", "ceiling", "python-select", "python-threading", "pool"];

        var chart = XDocument.Parse(ReportCharts.Build(Summaries(many, [1]))[0].Svg).Root!;

        var height = double.Parse((string)chart.Attribute("height")!, CultureInfo.InvariantCulture);
        var legend = chart.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(many, legend.Elements(Svg + "text").Select(t => t.Value));
        Assert.All(legend.Elements(Svg + "text"), t => Assert.True(double.Parse((string)t.Attribute("y")!, CultureInfo.InvariantCulture) < height, $"{t.Value} is below the chart"));
        Assert.Equal(many.Length, chart.Descendants(Svg + "polyline").Select(l => (string?)l.Attribute("stroke") ?? (string?)l.Parent!.Attribute("stroke")).Distinct().Count());
    }

    [Fact]
    public void A_higher_throughput_is_drawn_higher()
    {
        // garnet > redis > async at every connection count, and each grows with connections.
        var throughput = Charts(HtmlReport.Render(Summaries(Targets, [1]), [], Context)).Single(c => Title(c).StartsWith("Throughput", StringComparison.Ordinal));
        var lines = throughput.Descendants(Svg + "polyline").ToDictionary(l => (string)l.Attribute("data-target")!, Points);

        for (var i = 0; i < Connections.Length; i++)
        {
            Assert.True(lines["garnet"][i].Y < lines["redis"][i].Y, $"garnet above redis at {Connections[i]}");
            Assert.True(lines["redis"][i].Y < lines["async"][i].Y, $"redis above async at {Connections[i]}");
        }

        Assert.All(lines.Values, points => Assert.True(points[0].Y > points[2].Y));
    }

    [Fact]
    public void The_legend_names_every_target_that_has_a_line()
    {
        foreach (var chart in Charts(HtmlReport.Render(Summaries(Targets, [1]), [], Context)))
        {
            var legend = chart.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend");
            Assert.Equal(IsCpuChart(chart) ? Targets[1..] : Targets, legend.Descendants(Svg + "text").Select(t => t.Value));
        }
    }

    [Fact]
    public void Axes_have_ticks_and_labels_in_the_units_promised()
    {
        var charts = Charts(HtmlReport.Render(Summaries(Targets, [1]), [], Context));

        Assert.All(charts, c => Assert.True(c.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "y-axis").Elements(Svg + "text").Count() >= 3));
        Assert.All(charts, c => Assert.Equal(["1", "50", "500"], c.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "x-axis").Elements(Svg + "text").Select(t => t.Value)));
        Assert.Contains(charts, c => c.Descendants(Svg + "text").Any(t => t.Value == "throughput (k req/s)"));
        Assert.Contains(charts, c => c.Descendants(Svg + "text").Any(t => t.Value.StartsWith("p99 latency (", StringComparison.Ordinal) && (t.Value.Contains("µs", StringComparison.Ordinal) || t.Value.Contains("ms", StringComparison.Ordinal))));
    }

    [Fact]
    public void One_row_of_charts_per_pipeline_depth_and_the_table_parameters_and_machine()
    {
        var html = HtmlReport.Render(Summaries(Targets, [1, 16]), ["a note"], Context);

        Assert.Equal(6, Charts(html).Count);
        Assert.Contains("Pipeline 1<", html, StringComparison.Ordinal);
        Assert.Contains("Pipeline 16<", html, StringComparison.Ordinal);
        Assert.Equal(Targets.Length * Connections.Length * 2, TableRows().Count(html));
        foreach (var expected in new[] { "server CPU µs/req", "load CPU %", "load saturated", "yes *", "min–max", "--connections", "Debian GNU/Linux 12", ".NET 10.0.0", "2025-11-23", "a note" })
        {
            Assert.Contains(expected, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_page_is_self_contained()
    {
        var html = HtmlReport.Render(Summaries(Targets, [1]), [], Context);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Regex.Matches(html, "https?://"), m => !html.AsSpan(m.Index).StartsWith("http://www.w3.org/2000/svg"));
    }

    [Fact]
    public void Target_names_are_escaped()
    {
        const string Nasty = "a<b>&\"c\"'";
        var html = HtmlReport.Render(Summaries([Nasty, "redis"], [1]), [$"note about {Nasty}"], Context with { Parameters = [new("--spawn", Nasty)] });

        Assert.DoesNotContain("a<b>", html, StringComparison.Ordinal);
        Assert.Contains("a&lt;b&gt;&amp;&quot;c&quot;&#39;", html, StringComparison.Ordinal);
        foreach (var chart in Charts(html).Where(c => !IsCpuChart(c)))
        {
            Assert.Contains(Nasty, chart.Descendants(Svg + "polyline").Select(l => (string?)l.Attribute("data-target")));
            Assert.Contains(Nasty, chart.Descendants(Svg + "text").Select(t => t.Value));
        }
    }

    [Fact]
    public void No_points_make_a_page_that_says_there_is_nothing_to_show()
    {
        var html = HtmlReport.Render([], [], Context);

        Assert.Contains("Nothing to show", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        Assert.Contains("Debian GNU/Linux 12", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chromium_draws_every_series_in_the_throughput_and_latency_charts()
    {
        var chromium = RequiredTool.Chromium.Require("the report is not rendered, so its charts are not checked as drawn");
        var html = Path.Combine(Path.GetTempPath(), $"sharedlist-report-{Guid.NewGuid():N}.html");
        try
        {
            await File.WriteAllTextAsync(html, HtmlReport.Render(Summaries(Targets, [1]), [], Context));
            var png = PngImage.Decode(await HeadlessChromium.ScreenshotAsync(chromium, html, 1200, 2000, TimeSpan.FromSeconds(60)));

            Assert.Equal((1200, 2000), (png.Width, png.Height));

            // The pair sits side by side at the top: throughput on the left half, latency on the right; the
            // colours appear nowhere else on the page, so every pixel of them counted here is a chart's.
            for (var i = 0; i < Targets.Length; i++)
            {
                var color = Rgb(HtmlReport.Palette[i]);
                var left = Count(png, color, 0, 600, 0, 800);
                var right = Count(png, color, 600, 1200, 0, 800);
                output.WriteLine($"{Targets[i]} {HtmlReport.Palette[i]}: {left} px in the throughput chart, {right} px in the latency chart");
                Assert.True(left >= 300, $"{Targets[i]}: only {left} pixels of {HtmlReport.Palette[i]} in the throughput chart");
                Assert.True(right >= 300, $"{Targets[i]}: only {right} pixels of {HtmlReport.Palette[i]} in the latency chart");
            }

            Assert.Equal(0, Count(png, Rgb(HtmlReport.Palette[3]), 0, 1200, 0, 2000));
        }
        finally
        {
            File.Delete(html);
        }
    }

    /// <summary>Three targets × connections 1, 50, 500 × the given depths; target i has (i+1)× the first's throughput.</summary>
    private static List<PointSummary> Summaries(string[] targets, int[] pipelines) =>
    [
        .. from pipeline in pipelines
           from connections in Connections
           from index in Enumerable.Range(0, targets.Length)
           let throughput = (index + 1) * 10_000.0 * Math.Log10(connections * 10) * pipeline
           let p99 = connections * 20.0 / (index + 1)
           select new PointSummary(
               targets[index], connections, pipeline, 3, throughput, throughput * 0.95, throughput * 1.05,
               p99 / 2, p99 * 0.8, p99, p99 * 0.9, p99 * 1.1, p99 * 1.5, p99 * 3, 0,
               index == 0 ? null : 12.5 / (index + 1), 40 + index, connections == 500 && index == 0),
    ];

    private static List<XElement> Charts(string html) =>
        [.. SvgElements().Matches(html).Select(m => XDocument.Parse(m.Value).Root!)];

    private static string Title(XElement chart) => chart.Element(Svg + "title")!.Value;

    // The summaries give the first target no server CPU (a server the run did not start): it has no line there.
    private static bool IsCpuChart(XElement chart) => Title(chart).StartsWith("Server CPU", StringComparison.Ordinal);

    private static List<(double X, double Y)> Points(XElement polyline) =>
        [.. ((string)polyline.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split(','))
            .Select(xy => (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture)))];

    private static (int R, int G, int B) Rgb(string hex) =>
        (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));

    private static int Count(PngImage png, (int R, int G, int B) color, int x0, int x1, int y0, int y1)
    {
        // A little tolerance for colour management; anti-aliased edges blend with white and are not counted.
        const int Tolerance = 6;
        var count = 0;
        for (var y = y0; y < Math.Min(y1, png.Height); y++)
        {
            for (var x = x0; x < Math.Min(x1, png.Width); x++)
            {
                var (r, g, b, _) = png[x, y];
                if (Math.Abs(r - color.R) <= Tolerance && Math.Abs(g - color.G) <= Tolerance && Math.Abs(b - color.B) <= Tolerance)
                {
                    count++;
                }
            }
        }

        return count;
    }

    [GeneratedRegex("<svg[\\s\\S]*?</svg>")]
    private static partial Regex SvgElements();

    [GeneratedRegex("<tr><td>")]
    private static partial Regex TableRows();
}
