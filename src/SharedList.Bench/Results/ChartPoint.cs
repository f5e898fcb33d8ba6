namespace SharedList.Bench.Results;

/// <summary>
/// One point of a <see cref="ChartSeries"/>: its value <paramref name="Y"/> at <paramref name="X"/>, the spread
/// of the repeats (<paramref name="Low"/>–<paramref name="High"/>, drawn as a bar when they differ), and whether
/// it is drawn hollow (the load tool was saturated there).
/// </summary>
public readonly record struct ChartPoint(double X, double Y, double Low, double High, bool Hollow = false);
