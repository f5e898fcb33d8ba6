using System.Globalization;

namespace SharedList.Tests.Abuse;

/// <summary>How the abuse tests print what they measured (docs/RELIABILITY.md copies these).</summary>
internal static class Figure
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GB"),
        >= 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):F1} MB"),
        >= 1 << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 10):F1} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    public static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:F2} s");

    /// <summary>min / median / max of some durations.</summary>
    public static string Spread(IReadOnlyCollection<TimeSpan> times)
    {
        if (times.Count == 0)
        {
            return "none";
        }

        var sorted = times.Order().ToArray();
        return $"min {Seconds(sorted[0])}, median {Seconds(sorted[sorted.Length / 2])}, max {Seconds(sorted[^1])} (n={sorted.Length})";
    }
}
