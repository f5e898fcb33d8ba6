namespace SharedList.Bench.Results;

/// <summary>One line of an <see cref="SvgChart"/>: a name for the legend, a CSS colour, points in any order.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<ChartPoint> Points);
