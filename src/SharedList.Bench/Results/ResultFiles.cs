using System.Globalization;
using System.Text.Json;
using SharedList.Bench.Memory;

namespace SharedList.Bench.Results;

/// <summary>Writes every point as JSON (<c>--json</c>) or CSV (<c>--csv</c>): one record per point, repeats unmerged.</summary>
public static class ResultFiles
{
    private static readonly string[] Columns =
    [
        "target", "protocol", "connections", "pipeline", "repeat", "mix", "payload_bytes", "seconds", "requests", "throughput",
        "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "errors", "unexpected_replies", "disconnects", "unanswered",
        "connect_failures", "server_cpu_us_per_request", "load_cpu_percent", "load_cores", "load_saturated", "ramp_up_s",
    ];

    private static readonly string[] MemoryColumns =
    [
        "target", "repeat", "payload_bytes", "idle_connections", "items",
        "baseline_rss", "baseline_anon", "connected_rss", "connected_anon", "idle_rss", "idle_anon",
        "bytes_per_connection", "bytes_per_idle_connection",
        "items_baseline_rss", "items_baseline_anon", "filled_rss", "filled_anon", "doubled_rss", "doubled_anon", "bytes_per_item", "list_bytes", "settled",
    ];

    /// <summary>
    /// <c>{"tool": "sharedlist bench", "machine": {...}, "notes": [...], "points": [{...}, …]}</c>, snake_case
    /// names as in the CSV header; unknown values (server CPU of a server we did not start) are null.
    /// </summary>
    public static void WriteJson(Stream output, IReadOnlyList<BenchPoint> points, IReadOnlyList<string> notes)
    {
        ArgumentNullException.ThrowIfNull(points);
        WriteJson(output, "sharedlist bench", Columns, points.Select(Values), notes);
    }

    /// <summary>
    /// <c>{"tool": "sharedlist bench --memory", "machine": {...}, "notes": [...], "points": [{...}, …]}</c>: every
    /// reading in bytes (<c>*_rss</c> is VmRSS, <c>*_anon</c> RssAnon) and the costs derived from them; null
    /// for what was not measured.
    /// </summary>
    public static void WriteJson(Stream output, IReadOnlyList<MemoryPoint> points, IReadOnlyList<string> notes)
    {
        ArgumentNullException.ThrowIfNull(points);
        WriteJson(output, "sharedlist bench --memory", MemoryColumns, points.Select(Values), notes);
    }

    /// <summary>A header line, then one line per point; empty fields for unknown values (RFC 4180 quoting).</summary>
    public static void WriteCsv(TextWriter output, IReadOnlyList<BenchPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        WriteCsv(output, Columns, points.Select(Values));
    }

    /// <summary>The memory points as CSV: the columns of the JSON, empty fields for what was not measured.</summary>
    public static void WriteCsv(TextWriter output, IReadOnlyList<MemoryPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        WriteCsv(output, MemoryColumns, points.Select(Values));
    }

    private static void WriteJson(Stream output, string tool, string[] columns, IEnumerable<object?[]> rows, IReadOnlyList<string> notes)
    {
        ArgumentNullException.ThrowIfNull(notes);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tool", tool);
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
        foreach (var values in rows)
        {
            json.WriteStartObject();
            for (var i = 0; i < columns.Length; i++)
            {
                switch (values[i])
                {
                    case null:
                        json.WriteNull(columns[i]);
                        break;
                    case string text:
                        json.WriteString(columns[i], text);
                        break;
                    case bool flag:
                        json.WriteBoolean(columns[i], flag);
                        break;
                    case double number:
                        json.WriteNumber(columns[i], Math.Round(number, 3));
                        break;
                    case long number:
                        json.WriteNumber(columns[i], number);
                        break;
                    case int number:
                        json.WriteNumber(columns[i], number);
                        break;
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCsv(TextWriter output, string[] columns, IEnumerable<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(string.Join(',', columns));
        output.Write('\n');
        foreach (var values in rows)
        {
            output.Write(string.Join(',', values.Select(Field)));
            output.Write('\n');
        }
    }

    private static object?[] Values(BenchPoint p) =>
    [
        p.Target, p.Protocol.ToString().ToLowerInvariant(), p.Connections, p.Pipeline, p.Repeat, p.Mix, p.PayloadBytes, p.Seconds, p.Requests, p.Throughput,
        p.P50Micros, p.P90Micros, p.P99Micros, p.P999Micros, p.MaxMicros, p.Errors, p.UnexpectedReplies, p.Disconnects, p.Unanswered,
        p.ConnectFailures, p.ServerCpuMicrosPerRequest, p.LoadCpuPercent, p.LoadCores, p.LoadSaturated, p.RampUpSeconds,
    ];

    private static object?[] Values(MemoryPoint p) =>
    [
        p.Target, p.Repeat, p.PayloadBytes, p.IdleConnections, p.Items,
        p.Baseline?.RssBytes, p.Baseline?.AnonBytes, p.Connected?.RssBytes, p.Connected?.AnonBytes, p.Idle?.RssBytes, p.Idle?.AnonBytes,
        p.BytesPerConnection, p.BytesPerIdleConnection,
        p.ItemsBaseline?.RssBytes, p.ItemsBaseline?.AnonBytes, p.Filled?.RssBytes, p.Filled?.AnonBytes, p.Doubled?.RssBytes, p.Doubled?.AnonBytes, p.BytesPerItem, p.ListBytes, p.Settled,
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
