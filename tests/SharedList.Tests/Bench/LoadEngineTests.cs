using System.Net;
using System.Net.Sockets;
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
        { ServerModel.Epoll, LoadEngineKind.Epoll },
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

    [Fact]
    public async Task Error_replies_count_as_unexpected_and_are_not_appends()
    {
        await using var server = new ModelServer(new ServerSettings { MaxItems = 10 });
        var options = new LoadOptions { EndPoint = server.EndPoint, Connections = 2, Pipeline = 2 };

        var result = await LoadRunner.RunAsync(options, TimeSpan.Zero, TimeSpan.FromSeconds(0.2));

        Assert.Equal(10, result.Stats.Appended);
        Assert.True(result.Stats.Unexpected > 0);
        Assert.Equal(result.Stats.Unexpected, result.Stats.Errors);
        Assert.True(result.Stats.MeasuredErrors > 0);
    }

    [Theory]
    [InlineData(LoadEngineKind.Epoll)]
    [InlineData(LoadEngineKind.Async)]
    public async Task Requests_a_server_never_answers_count_as_unanswered_once_the_drain_gives_up(LoadEngineKind engine)
    {
        // Connections complete in the kernel's backlog, but nothing ever reads them.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(16);
        var options = new LoadOptions { EndPoint = silent.LocalEndPoint!, Connections = 3, Pipeline = 5, Engine = engine, DrainTimeout = TimeSpan.FromSeconds(0.2) };

        var result = await LoadRunner.RunAsync(options, TimeSpan.Zero, TimeSpan.FromSeconds(0.1));

        Assert.Equal(0, result.Stats.Measured);
        Assert.Equal(15, result.Stats.Unanswered);
        Assert.Equal(15, result.Stats.Errors);
    }
}
