using SharedList.Bench.Load;
using SharedList.Hosting;
using SharedList.Tests.Models;

namespace SharedList.Tests.Bench;

/// <summary>The load engines against a real server of each kind, in process, on loopback, for half a second.</summary>
public sealed class LoadEngineTests
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(0.2);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(0.5);

    public static TheoryData<ServerModel, LoadEngineKind> ModelsAndEngines => new()
    {
        { ServerModel.Async, LoadEngineKind.Epoll },
        { ServerModel.Async, LoadEngineKind.Async },
        { ServerModel.Select, LoadEngineKind.Epoll },
        { ServerModel.Threading, LoadEngineKind.Async },
    };

    [Theory]
    [MemberData(nameof(ModelsAndEngines))]
    public async Task Every_ack_is_counted_once_and_matches_the_items_stored(ServerModel model, LoadEngineKind engine)
    {
        await using var server = new ModelServer(model);
        var options = new LoadOptions { EndPoint = server.EndPoint, Connections = 4, Pipeline = 4, Engine = engine, Threads = 2 };

        var result = await LoadRunner.RunAsync(options, Warmup, Duration);

        Assert.Equal(0, result.Stats.Errors);
        Assert.True(result.Stats.Measured > 0, "no reply in the measured window");
        Assert.Equal(server.Store.Count, result.Stats.Appended);
        Assert.Equal(result.Stats.Measured, result.Stats.Latency.Count);
        Assert.True(result.Throughput > 0);
    }

    [Fact]
    public async Task A_mix_of_appends_and_lists_gets_both_kinds_of_reply_and_no_error()
    {
        await using var server = new ModelServer(ServerModel.Async);
        var options = new LoadOptions { EndPoint = server.EndPoint, Connections = 3, Pipeline = 2, Mix = new RequestMix(80, 20), PayloadBytes = 100 };

        var result = await LoadRunner.RunAsync(options, Warmup, Duration);

        Assert.Equal(0, result.Stats.Errors);
        Assert.True(result.Stats.Listed > 0);
        Assert.Equal(server.Store.Count, result.Stats.Appended);
    }
}
