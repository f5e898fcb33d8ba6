using SharedList.Bench.Load;
using SharedList.Bench.Targets;

namespace SharedList.Bench.Tests;

/// <summary>
/// The reference servers of <c>--spawn</c> (the C ceiling, the lab's Python select and ThreadingTCPServer
/// servers), started as the bench starts them, on port 0: the replies the bench counts, and a short load.
/// </summary>
public sealed class ReferenceServerTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(SpawnKind.Ceiling)]
    [InlineData(SpawnKind.PythonSelect)]
    [InlineData(SpawnKind.PythonThreading)]
    public async Task A_short_load_is_all_successes_and_the_server_cpu_is_read(string kind)
    {
        var (server, target) = await StartAsync(kind);
        var pid = server.Pid;
        await using (server)
        {
            await ListReset.ClearAsync(target, "unused", TimeSpan.FromSeconds(10), CancellationToken.None);
            var options = new LoadOptions { EndPoint = target.EndPoint, Protocol = LoadProtocol.Line, Connections = 2, Pipeline = 4, Mix = new RequestMix(90, 10) };

            var result = await LoadRunner.RunAsync(options, TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.3), server.Pid);

            Assert.True(result.Stats.Errors == 0, $"{kind}: {result.Stats.Errors} errors; server output: {server.Output}");
            Assert.True(result.Stats.Measured > 0, $"{kind}: no reply measured");
            Assert.True(result.Stats.Listed > 0, $"{kind}: no LIST reply counted");
            Assert.NotNull(result.ServerCpuSeconds);
        }

        Assert.False(Directory.Exists($"/proc/{pid}"), $"{kind} (pid {pid}) outlived its disposal");
    }

    [Theory]
    [InlineData(SpawnKind.Ceiling, "[]", "[]")]
    [InlineData(SpawnKind.PythonSelect, "['x']", "['']")]
    [InlineData(SpawnKind.PythonThreading, "['x']", "['']")]
    public async Task Lines_split_across_writes_get_our_replies(string kind, string firstList, string secondList)
    {
        var (server, target) = await StartAsync(kind);
        await using (server)
        {
            using var connection = await LineConnection.ConnectAsync(target.EndPoint);

            // A message cut in two, a \r\n ending, several messages in one write, the empty message.
            connection.Send("x\r\nLI");
            connection.Send("ST\nCLEAR\n\nLIST\n");

            var replies = Enumerable.Range(0, 5).Select(_ => connection.ReadLine() ?? "(closed)").ToList();
            Assert.Equal(["Ack", firstList, "Lista apagada", "Ack", secondList], replies);
        }
    }

    [Fact]
    public void Every_reference_server_ships_in_the_bench_assembly()
    {
        Assert.Contains("epoll_wait", System.Text.Encoding.UTF8.GetString(ReferenceServers.Source(SpawnKind.Ceiling).Content), StringComparison.Ordinal);
        Assert.Contains("select.select(", System.Text.Encoding.UTF8.GetString(ReferenceServers.Source(SpawnKind.PythonSelect).Content), StringComparison.Ordinal);
        Assert.Contains("ThreadingTCPServer", System.Text.Encoding.UTF8.GetString(ReferenceServers.Source(SpawnKind.PythonThreading).Content), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ReferenceServers.Source("async"));
    }

    private static async Task<(SpawnedServer Server, BenchTarget Target)> StartAsync(string kind)
    {
        (kind == SpawnKind.Ceiling ? RequiredTool.Gcc : RequiredTool.Python3).Require($"the {kind} reference server cannot be built or run");
        var notes = new List<string>();
        var command = await ReferenceServers.PrepareAsync(kind, notes.Add, CancellationToken.None);
        Assert.True(command is not null, $"{kind} could not be prepared: {string.Join("; ", notes)}");
        var started = await SpawnedServer.StartReferenceAsync(kind, command, core: null, StartTimeout, CancellationToken.None);
        Assert.Equal(kind, started.Target.Name);
        Assert.Equal(started.Server.Pid, started.Target.Pid);
        return started;
    }
}
