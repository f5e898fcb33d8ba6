using System.Globalization;
using System.Text.Json;

namespace SharedList.Bench.Results;

/// <summary>Writes every point as JSON (<c>--json</c>) or CSV (<c>--csv</c>): one record per point, repeats unmerged.</summary>
public static class ResultFiles
{
    private static readonly string[] Columns =
    [
        "target", "protocol", "connections", "pipeline", "repeat", "mix", "payload_bytes", "seconds", "requests", "throughput",
        "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "errors", "unexpected_replies", "disconnects", "unanswered",
        "connect_failures", "server_cpu_us_per_request", "load_cpu_percent", "load_cores", "load_saturated",
    ];

    /// <summary>
    /// <c>{"tool": "sharedlist bench", "machine": {...}, "notes": [...], "points": [{...}, …]}</c>, snake_case
    /// names as in the CSV header; unknown values (server CPU of a server we did not start) are null.
    /// </summary>
    public static void WriteJson(Stream output, IReadOnlyList<BenchPoint> points, IReadOnlyList<string> notes)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(notes);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tool", "sharedlist bench");
        json.WriteStartObject("machine");
        json.WriteNumber("processors", Environment.ProcessorCount);
        json.WriteString("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
        json.WriteString("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
        json.WriteEndObject();
        json.WriteStartArray("notes");
        foreach (var note in notes)
        {
            json.WriteStringValue(note);
        }

        json.WriteEndArray();
        json.WriteStartArray("points");
        foreach (var point in points)
        {
            json.WriteStartObject();
            var values = Values(point);
            for (var i = 0; i < Columns.Length; i++)
            {
                switch (values[i])
                {
                    case null:
                        json.WriteNull(Columns[i]);
                        break;
                    case string text:
                        json.WriteString(Columns[i], text);
                        break;
                    case bool flag:
                        json.WriteBoolean(Columns[i], flag);
                        break;
                    case double number:
                        json.WriteNumber(Columns[i], Math.Round(number, 3));
                        break;
                    case long number:
                        json.WriteNumber(Columns[i], number);
                        break;
                    case int number:
                        json.WriteNumber(Columns[i], number);
                        break;
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>A header line, then one line per point; empty fields for unknown values (RFC 4180 quoting).</summary>
    public static void WriteCsv(TextWriter output, IReadOnlyList<BenchPoint> points)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(points);
        output.Write(string.Join(',', Columns));
        output.Write('\n');
        foreach (var point in points)
        {
            output.Write(string.Join(',', Values(point).Select(Field)));
            output.Write('\n');
        }
    }

    private static object?[] Values(BenchPoint p) =>
    [
        p.Target, p.Protocol.ToString().ToLowerInvariant(), p.Connections, p.Pipeline, p.Repeat, p.Mix, p.PayloadBytes, p.Seconds, p.Requests, p.Throughput,
        p.P50Micros, p.P90Micros, p.P99Micros, p.P999Micros, p.MaxMicros, p.Errors, p.UnexpectedReplies, p.Disconnects, p.Unanswered,
        p.ConnectFailures, p.ServerCpuMicrosPerRequest, p.LoadCpuPercent, p.LoadCores, p.LoadSaturated,
    ];

    private static string Field(object? value)
    {
        var text = value switch
        {
            null => string.Empty,
            double number => Math.Round(number, 3).ToString("0.###", CultureInfo.InvariantCulture),
            bool flag => flag ? "true" : "false",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
        return text.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
