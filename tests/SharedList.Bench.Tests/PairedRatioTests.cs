using SharedList.Bench.Load;
using SharedList.Bench.Results;

namespace SharedList.Bench.Tests;

public sealed class PairedRatioTests
{
    [Fact]
    public void The_ratio_is_the_median_of_each_rounds_ratio_not_the_ratio_of_the_medians()
    {
        // The machine is twice as slow in round 2. The target uses 0.8 of the reference's CPU in two rounds of
        // three and as much in the third; the medians alone (15 and 15) would say 1.0.
        BenchPoint[] points =
        [
            Point("async", 1, cpu: 8), Point("redis", 1, cpu: 10),
            Point("async", 2, cpu: 16), Point("redis", 2, cpu: 20),
            Point("async", 3, cpu: 15), Point("redis", 3, cpu: 15),
        ];

        var ratio = PairedRatio.Median(points, "async", "redis", 50, 1, p => p.ServerCpuMicrosPerRequest);

        Assert.Equal(0.8, ratio!.Value, precision: 9);
    }

    [Fact]
    public void Rounds_without_the_reference_or_without_the_figure_are_left_out()
    {
        BenchPoint[] points =
        [
            Point("async", 1, cpu: 9), Point("redis", 1, cpu: 10),
            Point("async", 2, cpu: null), Point("redis", 2, cpu: 10),
            Point("async", 3, cpu: 5),
            Point("async", 4, cpu: 7, connections: 500), Point("redis", 4, cpu: 10, connections: 500),
        ];

        Assert.Equal(0.9, PairedRatio.Median(points, "async", "redis", 50, 1, p => p.ServerCpuMicrosPerRequest)!.Value, precision: 9);
        Assert.Null(PairedRatio.Median(points, "epoll", "redis", 50, 1, p => p.ServerCpuMicrosPerRequest));
        Assert.Null(PairedRatio.Median(points, "async", "garnet", 50, 1, p => p.ServerCpuMicrosPerRequest));
    }

    [Fact]
    public void An_even_number_of_rounds_takes_the_mean_of_the_middle_two()
    {
        BenchPoint[] points =
        [
            Point("async", 1, throughput: 110), Point("redis", 1, throughput: 100),
            Point("async", 2, throughput: 130), Point("redis", 2, throughput: 100),
        ];

        Assert.Equal(1.2, PairedRatio.Median(points, "async", "redis", 50, 1, p => p.Throughput)!.Value, precision: 9);
    }

    private static BenchPoint Point(string target, int repeat, double? cpu = 1, double throughput = 1, int connections = 50) => new()
    {
        Target = target,
        Protocol = LoadProtocol.Line,
        Connections = connections,
        Pipeline = 1,
        Repeat = repeat,
        Mix = "append=100",
        PayloadBytes = 16,
        Seconds = 1,
        Requests = 1,
        Throughput = throughput,
        P50Micros = 1,
        P90Micros = 1,
        P99Micros = 1,
        P999Micros = 1,
        MaxMicros = 1,
        Errors = 0,
        UnexpectedReplies = 0,
        Disconnects = 0,
        Unanswered = 0,
        ConnectFailures = 0,
        ServerCpuMicrosPerRequest = cpu,
        LoadCpuPercent = 50,
        LoadCores = 1,
        LoadSaturated = false,
        RampUpSeconds = 0,
    };
}
