using SharedList.Bench.Targets;

namespace SharedList.Bench.Tests;

/// <summary><c>--spawn MODEL+resp</c>: one of our models, over any store, driven through its Redis protocol port.</summary>
public sealed class RespTargetTests
{
    [Fact]
    public void A_resp_suffix_adds_the_resp_port_over_any_store_and_before_metrics()
    {
        Assert.Equal(["--resp-port", "0"], ModelSpawn.Parse("async+resp").StoreOptions(null, null));
        Assert.Equal(["--data", "/d", "--fsync", "everysec", "--resp-port", "0", "--metrics-port", "0"], ModelSpawn.Parse("epoll+journal+resp+metrics").StoreOptions("/d", null));
        Assert.Equal("epoll+journal+resp+metrics", ModelSpawn.Parse("EPOLL+Journal+RESP+metrics").Name);
        Assert.True(ModelSpawn.Parse("async+resp").Resp);
        Assert.False(ModelSpawn.Parse("async+metrics").Resp);
        Assert.Equal(["async", "async+resp", "redis"], SpawnKind.TryParseList("async,async+resp,redis", out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Resp_twice_after_metrics_or_alone_is_refused()
    {
        Assert.False(ModelSpawn.TryParse("+resp", out _, out _));
        Assert.False(ModelSpawn.TryParse("redis+resp", out _, out _));
        Assert.False(ModelSpawn.TryParse("async+resp+resp", out _, out var twice));
        Assert.NotNull(twice);
        Assert.False(ModelSpawn.TryParse("async+metrics+resp", out _, out var afterMetrics));
        Assert.NotNull(afterMetrics);
    }
}
