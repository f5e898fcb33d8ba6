using System.Text.Json;
using SharedList.Bench.Targets;

namespace SharedList.Bench.Tests;

/// <summary><c>sharedlist bench</c> as a process: a short spawned run end to end, and its option errors.</summary>
public sealed class BenchCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_spawned_run_writes_every_point_as_json_a_report_and_chart_files_and_leaves_no_server_behind()
    {
        var json = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.json");
        var report = Path.ChangeExtension(json, ".html");
        var charts = Path.ChangeExtension(json, ".charts");
        var tag = Guid.NewGuid().ToString("N");
        try
        {
            ProcessRun run;
            await using (var bench = CliProcess.Start(
                new Dictionary<string, string> { ["SHAREDLIST_BENCH_TEST_TAG"] = tag },
                "bench", "--spawn", "async,select", "--duration", "0.5", "--warmup", "0.2", "--cold-warmup", "0.2", "--connections", "1,4", "--json", json, "--report", report, "--charts", charts))
            {
                run = await bench.RunToEndAsync(string.Empty, Timeout);
            }

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stderr: {run.Error}");
            Assert.Contains(run.Output, line => line.Contains("select", StringComparison.Ordinal));
            Assert.Contains("cold warm-up: async, 0.2 s", run.Error, StringComparison.Ordinal);
            Assert.Contains("cold warm-up: select, 0.2 s", run.Error, StringComparison.Ordinal);

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

            // Which build was measured: under the table, in the JSON's notes and in the report; a Debug build is warned of.
            var build = BuildInfo.Read(CliProcess.CliPath);
            Assert.Contains(run.Output, line => line.Contains($"build: {build}", StringComparison.Ordinal));
            Assert.Contains($"build: {build}", document.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
            Assert.Equal(build.IsDebug, run.Error.Contains("warning: this sharedlist is a Debug build", StringComparison.Ordinal));

            var html = await File.ReadAllTextAsync(report);
            Assert.Contains($"build: {build}", html, StringComparison.Ordinal);
            Assert.Equal(3, html.Split("<svg", StringSplitOptions.None).Length - 1);
            Assert.Contains("data-target=\"select\"", html, StringComparison.Ordinal);
            Assert.Equal(["p99-p1.svg", "server-cpu-p1.svg", "throughput-p1.svg"], Directory.GetFiles(charts).Select(Path.GetFileName).Order());
            Assert.All(Directory.GetFiles(charts), file => Assert.Equal("http://www.w3.org/2000/svg", System.Xml.Linq.XDocument.Load(file).Root!.Name.NamespaceName));

            // The spawned servers inherited the tag: none of them may outlive the run.
            Assert.Empty(ProcessesTagged(tag));
        }
        finally
        {
            File.Delete(json);
            File.Delete(report);
            if (Directory.Exists(charts))
            {
                Directory.Delete(charts, recursive: true);
            }
        }
    }

    [Fact]
    public async Task The_reference_servers_are_built_and_run_from_the_build_output_and_none_is_left_behind()
    {
        RequiredTool.Gcc.Require("the ceiling reference server cannot be built");
        RequiredTool.Python3.Require("the Python reference servers cannot run");
        var json = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.json");
        var tag = Guid.NewGuid().ToString("N");

        // An empty cache: the ceiling is compiled by this run, not found from an earlier one.
        var cache = Directory.CreateTempSubdirectory("bench-cache-").FullName;
        try
        {
            ProcessRun run;
            await using (var bench = CliProcess.Start(
                new Dictionary<string, string> { ["SHAREDLIST_BENCH_TEST_TAG"] = tag, ["XDG_CACHE_HOME"] = cache },
                "bench", "--spawn", "ceiling,python-select,python-threading", "--duration", "0.3", "--warmup", "0.1", "--cold-warmup", "0", "--connections", "2", "--json", json))
            {
                run = await bench.RunToEndAsync(string.Empty, Timeout);
            }

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stderr: {run.Error}");
            Assert.DoesNotContain("skipped", run.Error, StringComparison.Ordinal);

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var points = document.RootElement.GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(["ceiling", "python-select", "python-threading"], points.Select(p => p.GetProperty("target").GetString()));
            foreach (var point in points)
            {
                Assert.Equal(0, point.GetProperty("errors").GetInt64());
                Assert.True(point.GetProperty("requests").GetInt64() > 0);
                Assert.Equal(JsonValueKind.Number, point.GetProperty("server_cpu_us_per_request").ValueKind);
            }

            Assert.Empty(ProcessesTagged(tag));
            Assert.Single(Directory.GetFiles(Path.Combine(cache, "sharedlist", "bench"), "ceiling-*"), f => !f.EndsWith(".c", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(json);
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public async Task A_reference_server_whose_compiler_or_interpreter_is_missing_is_skipped_with_a_note()
    {
        // A PATH with neither gcc nor python3, and an empty cache, so no earlier build of the ceiling is found.
        var empty = Directory.CreateTempSubdirectory("bench-path-").FullName;
        try
        {
            ProcessRun run;
            await using (var bench = CliProcess.Start(
                new Dictionary<string, string> { ["PATH"] = empty, ["XDG_CACHE_HOME"] = empty },
                "bench", "--spawn", "ceiling,async,python-select,python-threading", "--duration", "0.2", "--warmup", "0", "--cold-warmup", "0", "--connections", "1"))
            {
                run = await bench.RunToEndAsync(string.Empty, Timeout);
            }

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stderr: {run.Error}");
            Assert.Contains("ceiling: skipped, gcc is not installed", run.Error, StringComparison.Ordinal);
            Assert.Contains("python-select: skipped, python3 is not installed", run.Error, StringComparison.Ordinal);
            Assert.Contains("python-threading: skipped, python3 is not installed", run.Error, StringComparison.Ordinal);
            Assert.Contains(run.Output, line => line.Contains("async", StringComparison.Ordinal));
            Assert.DoesNotContain(run.Output, line => line.Contains("python", StringComparison.Ordinal) || line.Contains("ceiling", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task Store_targets_run_end_to_end_and_leave_neither_a_server_nor_a_directory_behind()
    {
        StoreTargetTests.RequireRedis("the Redis store and AOF targets cannot be started");
        var json = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.json");
        var tag = Guid.NewGuid().ToString("N");
        string[] targets = ["async", "async+journal-always", "epoll+journal", "async+redis", "redis-aof-always", "redis-aof-everysec"];
        try
        {
            ProcessRun run;
            await using (var bench = CliProcess.Start(
                new Dictionary<string, string> { ["SHAREDLIST_BENCH_TEST_TAG"] = tag },
                "bench", "--spawn", string.Join(',', targets), "--duration", "0.3", "--warmup", "0.1", "--cold-warmup", "0", "--connections", "4", "--json", json))
            {
                run = await bench.RunToEndAsync(string.Empty, Timeout);
            }

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stderr: {run.Error}");

            // async+journal-always and async+redis are set against async, the same model over memory; epoll+journal has no such twin.
            Assert.Contains(run.Output, line => line.Contains("× memory req/s", StringComparison.Ordinal));
            Assert.Contains(run.Output, line => line.Contains("async+redis", StringComparison.Ordinal) && !line.TrimEnd().TrimEnd('│').TrimEnd().EndsWith('–'));
            Assert.Contains(run.Output, line => line.Contains("epoll+journal", StringComparison.Ordinal) && line.TrimEnd().TrimEnd('│').TrimEnd().EndsWith('–'));

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var points = document.RootElement.GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(targets, points.Select(p => p.GetProperty("target").GetString()));
            foreach (var point in points)
            {
                Assert.True(point.GetProperty("errors").GetInt64() == 0, $"{point.GetProperty("target").GetString()}: errors; stderr: {run.Error}");
                Assert.True(point.GetProperty("requests").GetInt64() > 0);
                Assert.Equal(JsonValueKind.Number, point.GetProperty("server_cpu_us_per_request").ValueKind);
            }

            // Each journal and AOF directory is named in the notes, and is gone; so is every server, redis-servers included.
            var notes = document.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
            var directories = notes.Where(n => n.Contains(": data in ", StringComparison.Ordinal))
                .Select(n => n[(n.IndexOf(": data in ", StringComparison.Ordinal) + ": data in ".Length)..n.LastIndexOf(" (", StringComparison.Ordinal)])
                .ToList();
            Assert.Equal(4, directories.Count);
            Assert.All(directories, d => Assert.False(Directory.Exists(d), $"{d} outlived the run"));
            Assert.Contains(notes, n => n.StartsWith("async+redis: the list lives in a redis-server of its own", StringComparison.Ordinal));
            Assert.Empty(ProcessesTagged(tag));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task A_store_target_is_started_from_the_baseline_build_too_with_a_directory_of_its_own()
    {
        var json = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.json");
        var tag = Guid.NewGuid().ToString("N");
        try
        {
            ProcessRun run;
            await using (var bench = CliProcess.Start(
                new Dictionary<string, string> { ["SHAREDLIST_BENCH_TEST_TAG"] = tag },
                "bench", "--spawn", "async+journal", "--baseline", CliProcess.CliPath, "--duration", "0.3", "--warmup", "0.1", "--cold-warmup", "0", "--connections", "2", "--json", json))
            {
                run = await bench.RunToEndAsync(string.Empty, Timeout);
            }

            Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stderr: {run.Error}");
            Assert.Contains(run.Output, line => line.Contains("× baseline req/s", StringComparison.Ordinal));
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var points = document.RootElement.GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(["async+journal", "async+journal@baseline"], points.Select(p => p.GetProperty("target").GetString()));
            Assert.All(points, p => Assert.Equal(0, p.GetProperty("errors").GetInt64()));

            var directories = document.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!)
                .Where(n => n.Contains(": data in ", StringComparison.Ordinal))
                .Select(n => n[(n.IndexOf(": data in ", StringComparison.Ordinal) + ": data in ".Length)..n.LastIndexOf(" (", StringComparison.Ordinal)])
                .ToList();
            Assert.Equal(2, directories.Distinct().Count());
            Assert.All(directories, d => Assert.False(Directory.Exists(d), $"{d} outlived the run"));
            Assert.Empty(ProcessesTagged(tag));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Theory]
    [InlineData("--connections", "0", "out of range")]
    [InlineData("--connections", "1,x", "not a whole number")]
    [InlineData("--mix", "append=90", "add up to 90")]
    [InlineData("--mix", "append=50,delete=50", "unknown")]
    [InlineData("--spawn", "async,forking", "unknown")]
    [InlineData("--spawn", "async+disk", "'disk' is not a store")]
    [InlineData("--spawn", "redis-aof", "redis-aof-always, redis-aof-everysec, or a model over a store: MODEL+journal")]
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
