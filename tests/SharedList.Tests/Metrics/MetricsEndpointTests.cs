using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharedList.Metrics;

namespace SharedList.Tests.Metrics;

/// <summary><c>sharedlist serve --metrics-port 0</c> as a real process: /metrics scraped, the status page rendered in headless Chromium.</summary>
public sealed partial class MetricsEndpointTests
{
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    [Fact]
    public async Task Metrics_are_scraped_in_the_Prometheus_text_format()
    {
        var (server, endPoint) = await CliProcess.StartServerAsync("--metrics-port", "0");
        await using (server)
        {
            var metrics = await MetricsAddressAsync(server);
            using (var client = await LineConnection.ConnectAsync(endPoint))
            {
                Assert.Equal("Ack", client.Request("a"));
                Assert.Equal("Ack", client.Request("b"));
                Assert.Equal("['a', 'b']", client.Request("LIST"));

                using var http = new HttpClient { Timeout = Timeout };
                var response = await http.GetAsync(metrics, TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
                var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

                Assert.Contains("# TYPE sharedlist_requests_total counter", text, StringComparison.Ordinal);
                Assert.Contains("# TYPE socketserver_connections_current gauge", text, StringComparison.Ordinal);
                Assert.Contains("# TYPE sharedlist_request_duration_seconds histogram", text, StringComparison.Ordinal);
                Assert.Equal(2, Sample(text, "sharedlist_requests_total", "command=\"append\""));
                Assert.Equal(1, Sample(text, "sharedlist_requests_total", "command=\"list\""));
                Assert.Equal(1, Sample(text, "socketserver_connections_current", $"server_address=\"{endPoint}\""));
                Assert.Equal(1, Sample(text, "socketserver_connections_accepted_total", $"server_address=\"{endPoint}\""));
                Assert.Equal("a\nb\nLIST\n".Length, Sample(text, "socketserver_bytes_received_bytes_total", $"server_address=\"{endPoint}\""));
                Assert.Equal(2, Sample(text, "sharedlist_list_length", "sharedlist_list=\"sharedlist\""));
                Assert.True(Sample(text, "sharedlist_request_duration_seconds_count", "otel_scope_name") >= 3);

                // Every sample line is "name{labels} value": what a Prometheus server parses.
                foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
                {
                    Assert.Matches(SampleLine(), line);
                }
            }
        }
    }

    [Fact]
    public async Task The_status_page_shows_the_figures_and_draws_its_charts_in_Chromium()
    {
        var chromium = RequiredTool.Chromium.Require("the status page is not rendered, so its figures and charts are not checked");
        var (server, endPoint) = await CliProcess.StartServerAsync("--metrics-port", "0");
        await using (server)
        {
            var page = new Uri(await MetricsAddressAsync(server), "/");
            using var client = await LineConnection.ConnectAsync(endPoint);
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal("Ack", client.Request($"item {i}"));
            }

            // A sample taken since the requests: the page then has figures to show.
            using var http = new HttpClient { Timeout = Timeout };
            await Eventually.TrueAsync(() => LastRequests(http, new Uri(page, "/status.json")) >= 5, "a status sample to count the 5 requests");

            var dom = await HeadlessChromium.DumpDomAsync(chromium, page, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(3));
            Assert.Matches("<b id=\"connections\">1</b>", dom);
            Assert.Matches("<b id=\"requests\">5</b>", dom);
            Assert.Matches("<b id=\"rps\">[0-9]+</b>", dom);
            Assert.Contains("<polyline", dom, StringComparison.Ordinal);
            Assert.Contains("sharedlist: 5", dom, StringComparison.Ordinal);

            var png = PngImage.Decode(await HeadlessChromium.ScreenshotAsync(chromium, page, 1000, 800, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(3)));
            Assert.Equal((1000, 800), (png.Width, png.Height));

            // Not blank: the connections line is drawn in its own blue, the list's in the same, the rate's in red.
            Assert.True(Count(png, (0x09, 0x69, 0xda)) >= 200, $"{Count(png, (0x09, 0x69, 0xda))} pixels of the connections and list lines");
            Assert.True(Count(png, (0xcf, 0x22, 0x2e)) >= 100, $"{Count(png, (0xcf, 0x22, 0x2e))} pixels of the requests line");
        }
    }

    [Fact]
    public void The_sampler_keeps_five_minutes_at_most()
    {
        using var sampler = new StatusSampler(TimeSpan.FromHours(1));
        for (var i = 0; i < StatusSampler.Capacity + 10; i++)
        {
            sampler.Sample();
        }

        var report = sampler.Report();
        Assert.Equal(StatusSampler.Capacity, report.Samples.Count);
        Assert.True(report.Samples.Zip(report.Samples.Skip(1)).All(p => p.First.Time <= p.Second.Time), "samples oldest first");
    }

    private static async Task<Uri> MetricsAddressAsync(CliProcess server)
    {
        var line = await server.ReadLineAsync(Timeout);
        var match = MetricsLine().Match(line ?? string.Empty);
        Assert.True(match.Success, $"expected the metrics line, got '{line}'; stderr: {server.StandardError}");
        return new Uri(match.Groups["address"].Value);
    }

    private static long LastRequests(HttpClient http, Uri status)
    {
        using var json = JsonDocument.Parse(http.GetStringAsync(status).GetAwaiter().GetResult());
        var samples = json.RootElement.GetProperty("samples");
        return samples.GetArrayLength() == 0 ? 0 : samples[samples.GetArrayLength() - 1].GetProperty("requests").GetInt64();
    }

    private static double Sample(string text, string name, string label)
    {
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal));
        Assert.True(line is not null, $"no {name} with {label} in:\n{text}");
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    private static int Count(PngImage png, (int R, int G, int B) color)
    {
        var count = 0;
        for (var y = 0; y < png.Height; y++)
        {
            for (var x = 0; x < png.Width; x++)
            {
                var (r, g, b, _) = png[x, y];
                if (Math.Abs(r - color.R) + Math.Abs(g - color.G) + Math.Abs(b - color.B) < 40)
                {
                    count++;
                }
            }
        }

        return count;
    }

    [GeneratedRegex(@"^metrics on (?<address>http://127\.0\.0\.1:[0-9]+/metrics)$")]
    private static partial Regex MetricsLine();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*=""[^""]*"",?)*\})? [-+0-9.eE]+(Inf)?( [0-9]+)?$")]
    private static partial Regex SampleLine();
}
