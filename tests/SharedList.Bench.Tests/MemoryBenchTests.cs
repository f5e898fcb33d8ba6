using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SharedList.Bench.Measurement;
using SharedList.Bench.Memory;

namespace SharedList.Bench.Tests;

/// <summary><c>sharedlist bench --memory</c>: the RSS readings, the summaries, its options, and a small spawned run end to end.</summary>
public sealed class MemoryBenchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    [Fact]
    public void Proc_status_sizes_are_read_in_bytes_whatever_the_spacing()
    {
        var status = "Name:\tdotnet\nVmPeak:\t  300000 kB\nVmRSS:\t    2148 kB\nRssAnon:\t     160 kB\nRssFile:\t    1988 kB\n";
        Assert.Equal(new MemoryReading(2148 * 1024, 160 * 1024), ProcessMemory.Parse(status));
        Assert.Equal(new MemoryReading(4096, null), ProcessMemory.Parse("VmRSS: 4 kB"));
        Assert.Throws<FormatException>(() => ProcessMemory.Parse("Name:\tkthreadd\n"));
        Assert.Throws<FormatException>(() => ProcessMemory.Parse("VmRSS:\t12 pages\n"));
    }

    [Fact]
    public void This_process_grows_by_the_memory_it_touches()
    {
        const int Size = 64 * 1024 * 1024;
        var before = ProcessMemory.ReadSelf();
        Assert.NotNull(before);
        Assert.InRange(before.RssBytes, 1024 * 1024, long.MaxValue);
        Assert.NotNull(before.AnonBytes);

        // Pages count once touched: write one byte in each.
        var block = GC.AllocateUninitializedArray<byte>(Size, pinned: true);
        for (var i = 0; i < block.Length; i += 4096)
        {
            block[i] = 1;
        }

        var after = ProcessMemory.ReadSelf()!;
        GC.KeepAlive(block);

        // Other tests run meanwhile and may free memory: most of the block must show, not all of it.
        Assert.True(after.RssBytes - before.RssBytes >= Size / 2, $"RSS grew by {after.RssBytes - before.RssBytes} bytes after touching {Size}");
        Assert.Null(ProcessMemory.Read(int.MaxValue));
    }

    [Fact]
    public async Task A_quiet_process_settles_within_the_window_and_a_bound()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var started = Stopwatch.GetTimestamp();
            var (reading, settled) = await ProcessMemory.SettleAsync(sleeper.Id, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(20), CancellationToken.None);
            Assert.True(settled);
            Assert.True(reading.RssBytes > 0);
            Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromSeconds(0.5), "settled before a whole window of readings");
        }
        finally
        {
            sleeper.Kill();
            await sleeper.WaitForExitAsync();
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => ProcessMemory.SettleAsync(sleeper.Id, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5), CancellationToken.None));
    }

    [Fact]
    public void More_connections_than_open_files_allowed_are_refused_before_anything_starts()
    {
        var limit = ProcessMemory.OpenFilesLimit();
        Assert.NotNull(limit);
        Assert.NotNull(ProcessMemory.OpenFiles());
        MemorySession.CheckDescriptors(10);
        var error = Assert.Throws<InvalidOperationException>(() => MemorySession.CheckDescriptors((int)Math.Min(int.MaxValue, limit.Value)));
        Assert.Contains("ulimit -Hn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summaries_take_medians_and_spreads_of_what_was_measured_only()
    {
        static MemoryPoint Point(int repeat, long idle, long filled, long doubledGrowth) => new()
        {
            Target = "t",
            Repeat = repeat,
            PayloadBytes = 16,
            IdleConnections = 100,
            Items = 1000,
            Baseline = new MemoryReading(1_000_000, null),
            Connected = new MemoryReading(1_050_000, null),
            Idle = new MemoryReading(idle, null),
            ItemsBaseline = new MemoryReading(2_000_000, null),
            Filled = new MemoryReading(filled, null),
            Doubled = new MemoryReading(filled + doubledGrowth, null),
        };

        var summary = Assert.Single(MemorySummary.Summarize([Point(1, 1_100_000, 2_050_000, 17_000), Point(2, 1_300_000, 2_010_000, 18_000), Point(3, 1_200_000, 2_020_000, 16_000)]));
        Assert.Equal(3, summary.Repeats);
        Assert.Equal(500, summary.BytesPerConnection);
        Assert.Equal(2000, summary.BytesPerIdleConnection);
        Assert.Equal(1000, summary.BytesPerIdleConnectionMin);
        Assert.Equal(3000, summary.BytesPerIdleConnectionMax);
        Assert.Equal(17, summary.BytesPerItem); // over the second batch of appends
        Assert.Equal(20_000, summary.ListBytes); // the first batch's growth

        var itemsOnly = Assert.Single(MemorySummary.Summarize([new MemoryPoint { Target = "s", Repeat = 1, PayloadBytes = 16, IdleConnections = 0, Items = 10, ItemsBaseline = new(100, null), Filled = new(300, null) }]));
        Assert.Null(itemsOnly.BytesPerIdleConnection);
        Assert.Equal(20, itemsOnly.BytesPerItem);
        Assert.Equal(100, itemsOnly.BaselineBytes);
    }

    [Theory]
    [InlineData("--memory needs --spawn", "needs --spawn|add --spawn", "--memory")]
    [InlineData("idle without memory", "--idle-connections needs --memory", "--idle-connections", "5")]
    [InlineData("settle without memory", "--settle needs --memory", "--settle", "2")]
    [InlineData("throughput option", "--connections is for throughput runs", "--memory", "--spawn", "async", "--connections", "5")]
    [InlineData("report", "--report is for throughput runs", "--memory", "--spawn", "async", "--report", "r.html")]
    [InlineData("negative", "--idle-connections: expected a whole number from 0 to", "--memory", "--spawn", "async", "--idle-connections", "-1")]
    [InlineData("not a number", "--items", "--memory", "--spawn", "async", "--items", "many")]
    [InlineData("nothing", "nothing to measure", "--memory", "--spawn", "async", "--idle-connections", "0", "--items", "0")]
    [InlineData("settle", "--settle: expected a number of seconds from", "--memory", "--spawn", "async", "--settle", "0")]
    [InlineData("descriptors", "open files", "--memory", "--spawn", "async", "--idle-connections", "1000000")]
    public async Task A_bad_memory_option_is_refused_with_a_message_and_nothing_runs(string what, string message, params string[] arguments)
    {
        var tag = Guid.NewGuid().ToString("N");
        await using var bench = CliProcess.Start(new Dictionary<string, string> { ["SHAREDLIST_BENCH_TEST_TAG"] = tag }, ["bench", .. arguments]);
        var run = await bench.RunToEndAsync(string.Empty, Timeout);
        Assert.True(run.ExitCode != 0, what);
        Assert.Matches(message, run.Error);
        Assert.Empty(BenchCliTests.ProcessesTagged(tag));
    }

    [Fact]
    public async Task A_small_spawned_run_measures_plausible_costs_writes_json_and_csv_and_leaves_no_server_behind()
    {
        var json = Path.Combine(Path.GetTempPath(), $"memory-{Guid.NewGuid():N}.json");
        var csv = Path.ChangeExtension(json, ".csv");
        var tag = Guid.NewGuid().ToString("N");
        try
        {
            ProcessRun run;
            await using (var bench = CliProcess.Start(
                new Dictionary<string, string> { ["SHAREDLIST_BENCH_TEST_TAG"] = tag },
                "bench", "--memory", "--spawn", "async", "--idle-connections", "200", "--items", "100000", "--settle", "1", "--json", json, "--csv", csv))
            {
                run = await bench.RunToEndAsync(string.Empty, Timeout);
            }

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stderr: {run.Error}");
            Assert.Contains(run.Output, line => line.Contains("async", StringComparison.Ordinal) && line.Contains("MB", StringComparison.Ordinal));

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Assert.Equal("sharedlist bench --memory", document.RootElement.GetProperty("tool").GetString());
            var point = Assert.Single(document.RootElement.GetProperty("points").EnumerateArray());
            Assert.Equal("async", point.GetProperty("target").GetString());
            Assert.Equal(200, point.GetProperty("idle_connections").GetInt32());
            Assert.Equal(100_000, point.GetProperty("items").GetInt32());
            foreach (var name in new[] { "baseline_rss", "connected_rss", "idle_rss", "items_baseline_rss", "filled_rss", "doubled_rss", "baseline_anon" })
            {
                Assert.True(point.GetProperty(name).GetInt64() > 1024 * 1024, $"{name} = {point.GetProperty(name)}");
            }

            // Each idle connection and each item must cost something, and not absurdly much.
            Assert.InRange(point.GetProperty("bytes_per_idle_connection").GetDouble(), double.Epsilon, 1024 * 1024);
            Assert.InRange(point.GetProperty("bytes_per_item").GetDouble(), double.Epsilon, 100_000);
            Assert.Equal(
                point.GetProperty("filled_rss").GetInt64() - point.GetProperty("items_baseline_rss").GetInt64(),
                point.GetProperty("list_bytes").GetInt64());

            // Per item is read over the second batch of appends, once the server is warm.
            Assert.Equal(
                (point.GetProperty("doubled_rss").GetInt64() - point.GetProperty("filled_rss").GetInt64()) / 100_000.0,
                point.GetProperty("bytes_per_item").GetDouble(),
                tolerance: 0.001); // the JSON keeps three decimals

            var lines = await File.ReadAllLinesAsync(csv);
            Assert.Equal(2, lines.Length);
            var header = lines[0].Split(',');
            var values = lines[1].Split(',');
            Assert.Equal(header.Length, values.Length);
            var perItem = double.Parse(values[Array.IndexOf(header, "bytes_per_item")], CultureInfo.InvariantCulture);
            Assert.Equal(point.GetProperty("bytes_per_item").GetDouble(), perItem);

            Assert.Empty(BenchCliTests.ProcessesTagged(tag));
        }
        finally
        {
            File.Delete(json);
            File.Delete(csv);
        }
    }
}
