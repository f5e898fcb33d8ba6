using System.Globalization;
using System.Text.RegularExpressions;

namespace SharedList.Tests.Resp.RealClients;

/// <summary>Redis's own load generator, redis-benchmark, against <c>sharedlist serve --resp-port</c>.</summary>
public sealed partial class RedisBenchmarkTests
{
    // 20,000 requests a test rather than redis-benchmark's 100,000: LRANGE_300 writes 300 items a reply, and with
    // the other tests the whole run takes about 5 s on two busy cores with a Debug build (25 s at 100,000).
    private const int Requests = 20_000;

    // The names redis-benchmark gives the tests -t asks for, in the order it runs them.
    private static readonly string[] Tests =
    [
        "PING_INLINE", "PING_MBULK", "LPUSH", "RPUSH", "LPOP", "RPOP", "LPUSH (needed to benchmark LRANGE)",
        "LRANGE_100 (first 100 elements)", "LRANGE_300 (first 300 elements)",
    ];

    [Fact]
    public async Task Every_list_test_completes_without_an_error_on_the_memory_store()
    {
        await using var server = await RespServeProcess.StartAsync();

        await RunAndCheckAsync(server);
    }

    [Fact]
    public async Task Every_list_test_completes_without_an_error_on_the_journal_store()
    {
        var data = Directory.CreateTempSubdirectory("sharedlist-benchmark-");
        try
        {
            await using var server = await RespServeProcess.StartAsync("--data", data.FullName);

            await RunAndCheckAsync(server);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task RunAndCheckAsync(RespServeProcess server)
    {
        var program = RequiredTool.RedisBenchmark.Require("the RESP port is not run under Redis's load generator");
        var port = server.Resp.Port.ToString(CultureInfo.InvariantCulture);
        ProcessRun run;
        await using (var benchmark = CliProcess.StartProgram(
            program,
            ["-h", "127.0.0.1", "-p", port, "-t", "ping,rpush,lpush,lpop,rpop,lrange_100,lrange_300", "-n", Requests.ToString(CultureInfo.InvariantCulture), "-c", "50", "-P", "16", "-q"]))
        {
            run = await benchmark.RunToEndAsync(string.Empty, TimeSpan.FromSeconds(120));
        }

        // Its output to a pipe keeps the progress lines ("…: rps=… (overall: …)"), each ended by a carriage return:
        // the last line of each test is its result.
        var report = $"exit {run.ExitCode}; stdout: [{string.Join(" | ", run.Output)}]; stderr: {run.Error}; server's last log lines: {string.Join('\n', server.Process.StandardError.Split('\n').TakeLast(5))}";
        Assert.True(run.ExitCode == 0, report);
        Assert.DoesNotContain(run.Output, line => line.Contains("error", StringComparison.OrdinalIgnoreCase) || line.Contains("ERR", StringComparison.Ordinal));
        Assert.DoesNotContain("error", run.Error, StringComparison.OrdinalIgnoreCase);
        var results = run.Output.Select(line => ResultLine().Match(line)).Where(match => match.Success).ToList();
        Assert.True(Tests.SequenceEqual(results.Select(match => match.Groups["test"].Value)), report);
        Assert.All(results, match => Assert.True(double.Parse(match.Groups["rate"].Value, CultureInfo.InvariantCulture) > 0, match.Value));

        // Every push was kept: the LPUSHes and RPUSHes were popped again, then the LRANGE tests' LPUSHes stayed.
        Assert.Equal([Requests.ToString(CultureInfo.InvariantCulture)], (await RedisCli.RunAsync(server.Resp, ["LLEN", "mylist"])).Output);
        await server.StopAsync();
    }

    [GeneratedRegex(@"^(?<test>[^:]+): (?<rate>\d+(\.\d+)?) requests per second, p50=\d+(\.\d+)? msec$")]
    private static partial Regex ResultLine();
}
