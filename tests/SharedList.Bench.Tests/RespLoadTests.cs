using SharedList.Bench.Load;
using SharedList.Bench.Targets;
using SharedList.Bench.Tests.Support;

namespace SharedList.Bench.Tests;

/// <summary>The load engines speaking RESP, against <see cref="FakeRespServer"/> (redis-server is not needed).</summary>
public sealed class RespLoadTests
{
    [Theory]
    [InlineData(LoadEngineKind.Epoll)]
    [InlineData(LoadEngineKind.Async)]
    public async Task Every_rpush_reply_is_counted_once_and_matches_the_list_length(LoadEngineKind engine)
    {
        await using var server = new FakeRespServer();
        var options = new LoadOptions { EndPoint = server.EndPoint, Protocol = LoadProtocol.Resp, Connections = 4, Pipeline = 4, Engine = engine, Key = "bench" };

        var result = await LoadRunner.RunAsync(options, TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(0.5));

        Assert.Equal(0, result.Stats.Errors);
        Assert.True(result.Stats.Measured > 0);
        Assert.Equal(server.Length("bench"), result.Stats.Appended);
    }

    [Fact]
    public async Task Lrange_replies_are_framed_and_the_list_is_cleared_with_del()
    {
        await using var server = new FakeRespServer();
        var target = new BenchTarget("fake", server.EndPoint, LoadProtocol.Resp, null);
        var options = new LoadOptions { EndPoint = server.EndPoint, Protocol = LoadProtocol.Resp, Connections = 2, Pipeline = 3, Mix = new RequestMix(70, 30), Key = "mixed" };

        var result = await LoadRunner.RunAsync(options, TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.4));
        Assert.Equal(0, result.Stats.Errors);
        Assert.True(result.Stats.Listed > 0);
        Assert.Equal(server.Length("mixed"), result.Stats.Appended);

        await ListReset.ClearAsync(target, "mixed", TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(0, server.Length("mixed"));
    }
}
