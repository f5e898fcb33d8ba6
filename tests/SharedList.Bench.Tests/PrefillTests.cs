using SharedList.Bench.Load;
using SharedList.Bench.Results;
using SharedList.Bench.Session;
using SharedList.Tests.Models;
using SocketServer;

namespace SharedList.Bench.Tests;

/// <summary><c>--prefill</c>: every point measures <c>LIST</c> on a list of exactly that many items.</summary>
public sealed class PrefillTests
{
    [Fact]
    public async Task Each_point_starts_from_a_list_of_exactly_the_prefill_and_LIST_only_load_keeps_it()
    {
        await using var server = new ModelServer(ServerModel.Epoll);

        // Items the list held before the session: the point's clear must remove them.
        for (var i = 0; i < 7; i++)
        {
            Assert.True(server.List.TryAppend("left over"u8));
        }

        var plan = new BenchPlan
        {
            EndPoint = server.EndPoint,
            Connections = [1, 2],
            Duration = TimeSpan.FromSeconds(0.3),
            Warmup = TimeSpan.FromSeconds(0.1),
            ColdWarmup = TimeSpan.Zero,
            Prefill = 3_000,
            PayloadBytes = 8,
            Mix = RequestMix.TryParse("list=100", out _)!,
        };

        var report = await BenchSession.RunAsync(plan, new SilentObserver(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, report.Points.Count);
        Assert.All(report.Points, p => Assert.Equal(0, p.Errors));
        Assert.All(report.Points, p => Assert.True(p.Throughput > 0));
        Assert.Equal(3_000, server.List.Count);
        Assert.Contains("--prefill", plan.Describe().Select(p => p.Key));
    }

    private sealed class SilentObserver : IBenchObserver
    {
        public void Note(string message)
        {
        }

        public void WarmingUp(string target, TimeSpan length)
        {
        }

        public void PointStarting(int index, int total, string target, int connections, int pipeline, int repeat)
        {
        }

        public void Progress(LoadPhase phase, long completed)
        {
        }

        public void PointDone(BenchPoint point)
        {
        }
    }
}
