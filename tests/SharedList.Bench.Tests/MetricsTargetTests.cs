using SharedList.Bench.Targets;

namespace SharedList.Bench.Tests;

/// <summary><c>--spawn MODEL+metrics</c>: the model serving its metrics too, over any store, to measure what they cost.</summary>
public sealed class MetricsTargetTests
{
    [Fact]
    public void A_last_metrics_suffix_adds_the_metrics_port_over_any_store()
    {
        Assert.Equal(["--metrics-port", "0"], ModelSpawn.Parse("async+metrics").StoreOptions(null, null));
        Assert.Equal(["--data", "/d", "--fsync", "always", "--metrics-port", "0"], ModelSpawn.Parse("epoll+journal-always+metrics").StoreOptions("/d", null));
        Assert.Equal("async+journal+metrics", ModelSpawn.Parse("ASYNC+journal+Metrics").Name);
        Assert.Equal("async", ModelSpawn.Parse("async").Name);
        Assert.True(SpawnKind.IsModel("select+metrics"));
        Assert.Equal(["async", "async+metrics"], SpawnKind.TryParseList("async,async+metrics", out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Metrics_alone_or_after_something_else_is_refused()
    {
        Assert.False(ModelSpawn.TryParse("+metrics", out _, out _));
        Assert.False(ModelSpawn.TryParse("redis+metrics", out _, out _));
        Assert.Null(SpawnKind.TryParseList("async+metrics+metrics", out var error));
        Assert.NotNull(error);
    }
}
