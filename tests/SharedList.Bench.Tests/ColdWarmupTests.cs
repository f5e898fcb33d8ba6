using SharedList.Bench.Load;
using SharedList.Bench.Results;
using SharedList.Bench.Session;
using SharedList.Tests.Models;
using SocketServer;

namespace SharedList.Bench.Tests;

/// <summary><c>--cold-warmup</c>: each target is loaded once before the first point, and not measured.</summary>
public sealed class ColdWarmupTests
{
    [Fact]
    public async Task Each_target_is_loaded_before_its_first_point_and_the_warm_up_is_not_a_point()
    {
        await using var server = new ModelServer(ServerModel.Epoll);
        var observer = new RecordingObserver(server);

        var report = await BenchSession.RunAsync(Plan(server, TimeSpan.FromSeconds(0.3)), observer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        var warmedUp = Assert.Single(observer.WarmedUp);
        Assert.Equal(TimeSpan.FromSeconds(0.3), warmedUp.Length);
        Assert.Equal(report.Points[0].Target, warmedUp.Target);

        // The list was empty when the session began: only the warm-up can have filled it before the first point.
        Assert.True(observer.ItemsWhenTheFirstPointStarted > 0, "no appends before the first point");
        Assert.Single(report.Points);
        Assert.Equal(0, report.Points[0].Errors);
    }

    [Fact]
    public async Task A_cold_warm_up_of_zero_loads_nothing_before_the_first_point()
    {
        await using var server = new ModelServer(ServerModel.Epoll);
        var observer = new RecordingObserver(server);

        var report = await BenchSession.RunAsync(Plan(server, TimeSpan.Zero), observer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Empty(observer.WarmedUp);
        Assert.Equal(0, observer.ItemsWhenTheFirstPointStarted);
        Assert.Single(report.Points);
    }

    private static BenchPlan Plan(ModelServer server, TimeSpan coldWarmup) => new()
    {
        EndPoint = server.EndPoint,
        Connections = [2],
        Pipelines = [4],
        Duration = TimeSpan.FromSeconds(0.2),
        Warmup = TimeSpan.Zero,
        ColdWarmup = coldWarmup,
    };

    private sealed class RecordingObserver(ModelServer server) : IBenchObserver
    {
        private readonly Lock _gate = new();
        private readonly List<(string Target, TimeSpan Length)> _warmedUp = [];

        public IReadOnlyList<(string Target, TimeSpan Length)> WarmedUp
        {
            get
            {
                lock (_gate)
                {
                    return [.. _warmedUp];
                }
            }
        }

        public int? ItemsWhenTheFirstPointStarted { get; private set; }

        public void Note(string message)
        {
        }

        public void WarmingUp(string target, TimeSpan length)
        {
            lock (_gate)
            {
                _warmedUp.Add((target, length));
            }
        }

        public void PointStarting(int index, int total, string target, int connections, int pipeline, int repeat)
        {
            // Before the point's own clear (see BenchSession.RunPointAsync).
            if (index == 0)
            {
                ItemsWhenTheFirstPointStarted = server.List.Count;
            }
        }

        public void Progress(LoadPhase phase, long completed)
        {
        }

        public void PointDone(BenchPoint point)
        {
        }
    }
}
