using SharedList.Bench.Histograms;

namespace SharedList.Bench.Tests;

/// <summary>The histogram's percentiles against exact ones (nearest rank) on random samples of several shapes.</summary>
public sealed class LatencyHistogramTests
{
    public static TheoryData<string> Distributions => new("uniform", "exponential", "lognormal", "bimodal", "wide", "constant", "tiny");

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Percentiles_are_within_the_precision_bound_of_the_exact_ones(string distribution)
    {
        var random = new Random(distribution.GetHashCode(StringComparison.Ordinal) ^ 12345);
        var values = Enumerable.Range(0, 50_000).Select(_ => Sample(distribution, random)).ToArray();
        var histogram = new LatencyHistogram();
        foreach (var value in values)
        {
            histogram.Record(value);
        }

        Array.Sort(values);
        Assert.Equal(values.Length, histogram.Count);
        Assert.Equal(values[0], histogram.Min);
        Assert.Equal(values[^1], histogram.Max);
        Assert.Equal(values[^1], histogram.Percentile(100));
        foreach (var percent in new[] { 0.0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99 })
        {
            var exact = values[Math.Max(0, (int)Math.Ceiling(percent / 100 * values.Length) - 1)];
            var measured = histogram.Percentile(percent);
            var bound = Math.Max(1, exact * LatencyHistogram.RelativePrecision);
            Assert.True(Math.Abs(measured - exact) <= bound, $"{distribution} p{percent}: {measured} vs exact {exact} (bound {bound:0.#})");
        }
    }

    [Fact]
    public void Merging_per_thread_histograms_gives_the_histogram_of_all_values()
    {
        var random = new Random(7);
        var whole = new LatencyHistogram();
        var parts = Enumerable.Range(0, 4).Select(_ => new LatencyHistogram()).ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            var value = Sample("lognormal", random);
            whole.Record(value);
            parts[i % parts.Length].Record(value);
        }

        var merged = new LatencyHistogram();
        merged.Add(new LatencyHistogram());
        foreach (var part in parts)
        {
            merged.Add(part);
        }

        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.Min, merged.Min);
        Assert.Equal(whole.Max, merged.Max);
        foreach (var percent in new[] { 50.0, 90, 99, 99.9 })
        {
            Assert.Equal(whole.Percentile(percent), merged.Percentile(percent));
        }
    }

    [Fact]
    public void Every_value_falls_in_a_bucket_that_contains_it_and_buckets_are_at_most_1_128_wide()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 5_000).Select(_ => (long)Math.Exp(random.NextDouble() * Math.Log(LatencyHistogram.HighestTrackable)))
            .Concat(Enumerable.Range(0, 300).Select(i => (long)i))
            .Append(LatencyHistogram.HighestTrackable);
        foreach (var value in values)
        {
            var index = LatencyHistogram.Index(value);
            var low = LatencyHistogram.LowestOf(index);
            var next = LatencyHistogram.LowestOf(index + 1);
            Assert.InRange(value, low, next - 1);
            Assert.True(next - low == 1 || (next - low) * 128 <= low, $"bucket {index} [{low}, {next}) is too wide");
        }
    }

    [Fact]
    public void An_empty_histogram_reports_zero_and_reset_forgets_everything()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.Percentile(99));
        histogram.Record(5_000);
        histogram.Record(-3);
        histogram.Record(long.MaxValue);
        Assert.Equal(0, histogram.Min);
        Assert.Equal(long.MaxValue, histogram.Max);
        Assert.Equal(long.MaxValue, histogram.Percentile(100));
        histogram.Reset();
        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.Percentile(50));
    }

    private static long Sample(string distribution, Random random) => distribution switch
    {
        "uniform" => random.NextInt64(1_000, 10_000_000),
        "exponential" => (long)(-Math.Log(1 - random.NextDouble()) * 50_000) + 1_000,
        "lognormal" => (long)Math.Exp(11 + (1.5 * Normal(random))),
        "bimodal" => random.NextDouble() < 0.9 ? random.NextInt64(20_000, 40_000) : random.NextInt64(5_000_000, 9_000_000),
        "wide" => (long)Math.Exp(random.NextDouble() * Math.Log(LatencyHistogram.HighestTrackable / 1_000.0)) * 1_000,
        "constant" => 123_456,
        "tiny" => random.NextInt64(0, 400),
        _ => throw new ArgumentOutOfRangeException(nameof(distribution)),
    };

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
