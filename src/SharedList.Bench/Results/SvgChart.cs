using System.Globalization;
using System.Text;

namespace SharedList.Bench.Results;

/// <summary>
/// A line chart as a standalone, well-formed SVG element (it parses as XML): one polyline per series, a marker per
/// point, a bar for each point's spread, axes with ticks and labels, a legend under the plot. Pure: data in, text
/// out. The x axis is logarithmic when its values span a factor of 10 or more (connections 1, 50, 500 would
/// otherwise crowd into one corner), with a tick at every x present; the y axis is linear from zero, or
/// logarithmic on request when every value is positive.
/// </summary>
public static class SvgChart
{
    public const int Width = 560;

    public const int Height = 356;

    private const double Left = 64;
    private const double Right = 20;
    private const double Top = 34;
    private const double PlotBottom = 282;
    private const double LegendTop = 324;
    private const double LegendRow = 20;
    private const double MinLabelGap = 30;

    // No text metrics without a browser: about 7 px per character at 12 px is wide enough for a legend entry.
    private static double LegendWidth(ChartSeries line) => 34 + (7 * line.Name.Length) + 16;

    // The rows the legend takes, laid out as Render lays it out.
    private static int LegendRows(IReadOnlyList<ChartSeries> series)
    {
        var rows = 1;
        var left = Left;
        foreach (var line in series)
        {
            var width = LegendWidth(line);
            if (left > Left && left + width > Width - Right)
            {
                left = Left;
                rows++;
            }

            left += width;
        }

        return rows;
    }

    /// <summary>The chart; <paramref name="logY"/> is honoured only when every y (and spread) is positive.</summary>
    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var xs = points.Select(p => p.X).Distinct().Order().ToList();
        var ys = points.SelectMany(p => new[] { p.Y, p.Low, p.High }).Where(double.IsFinite).ToList();
        var x = Axis.ForX(xs, Left, Width - Right);
        var y = logY && ys.Count > 0 && ys.All(v => v > 0) ? Axis.Log(ys, PlotBottom, Top) : Axis.Linear(ys, PlotBottom, Top);

        // Taller than Height when the legend needs more than two rows (many targets), so none is cut off.
        var height = Math.Max(Height, (int)Math.Ceiling(LegendTop + ((LegendRows(series) - 1) * LegendRow) + 16));
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append("<title>").Append(HtmlReport.Escape(title)).Append("</title>");
        svg.Append(Invariant($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{height}\" fill=\"#ffffff\"/>"));
        svg.Append(Invariant($"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">")).Append(HtmlReport.Escape(title)).Append("</text>");

        // Grid and y ticks first, so the series are drawn over them.
        svg.Append("<g class=\"y-axis\" stroke=\"#dddddd\">");
        foreach (var tick in y.Ticks)
        {
            var at = y.Map(tick);
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{F(at)}\" x2=\"{Width - Right}\" y2=\"{F(at)}\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{F(at + 4)}\" text-anchor=\"end\" stroke=\"none\" fill=\"#333333\">{Number(tick)}</text>"));
        }

        svg.Append("</g>");
        svg.Append("<g class=\"x-axis\" stroke=\"#333333\">");
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{PlotBottom}\" x2=\"{Width - Right}\" y2=\"{PlotBottom}\"/>"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{PlotBottom}\"/>"));
        var lastLabel = double.NegativeInfinity;
        foreach (var tick in xs)
        {
            var at = x.Map(tick);
            svg.Append(Invariant($"<line x1=\"{F(at)}\" y1=\"{PlotBottom}\" x2=\"{F(at)}\" y2=\"{PlotBottom + 5}\"/>"));
            if (at - lastLabel >= MinLabelGap)
            {
                svg.Append(Invariant($"<text x=\"{F(at)}\" y=\"{PlotBottom + 19}\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333333\">{Number(tick)}</text>"));
                lastLabel = at;
            }
        }

        svg.Append("</g>");
        svg.Append(Invariant($"<text class=\"x-label\" x=\"{F((Left + Width - Right) / 2)}\" y=\"{PlotBottom + 38}\" text-anchor=\"middle\" fill=\"#333333\">")).Append(HtmlReport.Escape(xLabel)).Append("</text>");
        svg.Append(Invariant($"<text class=\"y-label\" transform=\"translate(16 {F((Top + PlotBottom) / 2)}) rotate(-90)\" text-anchor=\"middle\" fill=\"#333333\">")).Append(HtmlReport.Escape(yLabel)).Append("</text>");

        foreach (var line in series)
        {
            var drawn = line.Points
                .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && y.Accepts(p.Y))
                .OrderBy(p => p.X)
                .ToList();
            var name = HtmlReport.Escape(line.Name);
            var color = HtmlReport.Escape(line.Color);
            svg.Append(Invariant($"<g class=\"series\" data-target=\"{name}\" stroke=\"{color}\" fill=\"{color}\">"));
            svg.Append(Invariant($"<polyline data-target=\"{name}\" fill=\"none\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\""));
            svg.AppendJoin(' ', drawn.Select(p => Invariant($"{F(x.Map(p.X))},{F(y.Map(p.Y))}")));
            svg.Append("\"/>");
            foreach (var p in drawn)
            {
                if (p.High > p.Low && y.Accepts(p.Low) && y.Accepts(p.High))
                {
                    svg.Append(Invariant($"<line class=\"spread\" x1=\"{F(x.Map(p.X))}\" y1=\"{F(y.Map(p.Low))}\" x2=\"{F(x.Map(p.X))}\" y2=\"{F(y.Map(p.High))}\" stroke-width=\"1.5\"/>"));
                }

                var fill = p.Hollow ? " fill=\"#ffffff\" stroke-width=\"2\"" : string.Empty;
                svg.Append(Invariant($"<circle cx=\"{F(x.Map(p.X))}\" cy=\"{F(y.Map(p.Y))}\" r=\"4\"{fill}/>"));
            }

            svg.Append("</g>");
        }

        AppendLegend(svg, series);
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void AppendLegend(StringBuilder svg, IReadOnlyList<ChartSeries> series)
    {
        svg.Append("<g class=\"legend\">");
        double left = Left, top = LegendTop;
        foreach (var line in series)
        {
            var width = LegendWidth(line);
            if (left > Left && left + width > Width - Right)
            {
                left = Left;
                top += LegendRow;
            }

            var color = HtmlReport.Escape(line.Color);
            svg.Append(Invariant($"<line x1=\"{F(left)}\" y1=\"{F(top)}\" x2=\"{F(left + 26)}\" y2=\"{F(top)}\" stroke=\"{color}\" stroke-width=\"2.5\"/>"));
            svg.Append(Invariant($"<circle cx=\"{F(left + 13)}\" cy=\"{F(top)}\" r=\"4\" fill=\"{color}\"/>"));
            svg.Append(Invariant($"<text x=\"{F(left + 32)}\" y=\"{F(top + 4)}\" fill=\"#333333\">")).Append(HtmlReport.Escape(line.Name)).Append("</text>");
            left += width;
        }

        svg.Append("</g>");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A tick label with three significant digits at most and no exponent: 0.05, 2.5, 40, 1200.</summary>
    private static string Number(double value) => value switch
    {
        >= 100 or <= -100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 or <= -10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        >= 1 or <= -1 => value.ToString("0.##", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    /// <summary>A map from data to pixels along one axis, and where its ticks go.</summary>
    private sealed class Axis(double min, double max, bool log, double from, double to, IReadOnlyList<double> ticks)
    {
        public IReadOnlyList<double> Ticks { get; } = ticks;

        public bool Accepts(double value) => double.IsFinite(value) && (!log || value > 0);

        public double Map(double value)
        {
            double lo = min, hi = max, v = value;
            if (log)
            {
                (lo, hi, v) = (Math.Log10(lo), Math.Log10(hi), Math.Log10(v));
            }

            return hi > lo ? from + ((v - lo) / (hi - lo) * (to - from)) : (from + to) / 2;
        }

        /// <summary>X over the values present, padded so no marker sits on the y axis; log when they span ≥ 10×.</summary>
        public static Axis ForX(List<double> xs, double from, double to)
        {
            const double Padding = 24;
            if (xs.Count == 0)
            {
                return new Axis(0, 1, false, from + Padding, to - Padding, []);
            }

            var log = xs[0] > 0 && xs[^1] / xs[0] >= 10;
            return new Axis(xs[0], xs[^1], log, from + Padding, to - Padding, xs);
        }

        /// <summary>Linear from zero to a round top, 4–8 ticks at 1, 2, 2.5 or 5 × a power of ten.</summary>
        public static Axis Linear(List<double> values, double from, double to)
        {
            var most = values.Count > 0 ? Math.Max(values.Max(), 0) : 0;
            if (most <= 0)
            {
                most = 1;
            }

            var raw = most / 5;
            var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            var step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
            var top = Math.Ceiling(most / step) * step;
            var ticks = Enumerable.Range(0, (int)Math.Round(top / step) + 1).Select(i => i * step).ToList();
            return new Axis(0, top, false, from, to, ticks);
        }

        /// <summary>Whole decades around the values, ticks at 1, 2, 5 × 10ⁿ (only 10ⁿ beyond three decades).</summary>
        public static Axis Log(List<double> values, double from, double to)
        {
            var lo = Math.Floor(Math.Log10(values.Min()));
            var hi = Math.Ceiling(Math.Log10(values.Max()));
            if (hi <= lo)
            {
                hi = lo + 1;
            }

            var steps = hi - lo <= 3 ? new[] { 1.0, 2, 5 } : [1.0];
            var ticks = new List<double>();
            for (var decade = lo; decade <= hi; decade++)
            {
                ticks.AddRange(steps.Select(s => s * Math.Pow(10, decade)).Where(t => t <= Math.Pow(10, hi) * 1.0001));
            }

            return new Axis(Math.Pow(10, lo), Math.Pow(10, hi), true, from, to, ticks);
        }
    }
}
