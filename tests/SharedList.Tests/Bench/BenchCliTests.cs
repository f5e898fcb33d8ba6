using System.Text.Json;
using SharedList.Tests.Support;

namespace SharedList.Tests.Bench;

/// <summary><c>sharedlist bench</c> as a process: a short spawned run end to end, and its option errors.</summary>
public sealed class BenchCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_spawned_run_writes_every_point_as_json_and_a_report_and_leaves_no_server_behind()
    {
        var json = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.json");
        var report = Path.ChangeExtension(json, ".html");
        var tag = Guid.NewGuid().ToString("N");
        try
        {
            ProcessRun run;
            await using (var bench = CliProcess.Start(
                new Dictionary<string, string> { ["SHAREDLIST_BENCH_TEST_TAG"] = tag },
                "bench", "--spawn", "async,select", "--duration", "0.5", "--warmup", "0.2", "--connections", "1,4", "--json", json, "--report", report))
            {
                run = await bench.RunToEndAsync(string.Empty, Timeout);
            }

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stderr: {run.Error}");
            Assert.Contains(run.Output, line => line.Contains("select", StringComparison.Ordinal));

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var points = document.RootElement.GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(4, points.Count);
            Assert.Equal(["async", "select", "async", "select"], points.Select(p => p.GetProperty("target").GetString()));
            Assert.Equal([1, 1, 4, 4], points.Select(p => p.GetProperty("connections").GetInt32()));
            foreach (var point in points)
            {
                Assert.Equal(0, point.GetProperty("errors").GetInt64());
                Assert.True(point.GetProperty("throughput").GetDouble() > 0);
                Assert.True(point.GetProperty("p99_us").GetDouble() >= point.GetProperty("p50_us").GetDouble());
                Assert.Equal(JsonValueKind.Number, point.GetProperty("server_cpu_us_per_request").ValueKind);
            }

            var html = await File.ReadAllTextAsync(report);
            Assert.Equal(2, html.Split("<svg", StringSplitOptions.None).Length - 1);
            Assert.Contains("data-target=\"select\"", html, StringComparison.Ordinal);

            // The spawned servers inherited the tag: none of them may outlive the run.
            Assert.Empty(ProcessesTagged(tag));
        }
        finally
        {
            File.Delete(json);
            File.Delete(report);
        }
    }

    [Theory]
    [InlineData("--connections", "0", "out of range")]
    [InlineData("--connections", "1,x", "not a whole number")]
    [InlineData("--mix", "append=90", "add up to 90")]
    [InlineData("--mix", "append=50,delete=50", "unknown")]
    [InlineData("--spawn", "async,forking", "unknown")]
    [InlineData("--duration", "0", "--duration")]
    public async Task A_bad_option_is_refused_with_a_message_and_nothing_runs(string option, string value, string message)
    {
        await using var bench = CliProcess.Start("bench", option, value);
        var run = await bench.RunToEndAsync(string.Empty, Timeout);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    /// <summary>Processes whose environment holds <paramref name="tag"/>: the children of a run started with it.</summary>
    internal static List<int> ProcessesTagged(string tag)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "environ")).Contains(tag, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }
}
