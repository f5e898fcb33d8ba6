using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using SocketServer.Sessions;

namespace SharedList.Service;

/// <summary>
/// What <c>INFO</c> and <c>CONFIG GET</c> tell a Redis client about this server: the fields clients and tools read
/// (redis-cli, redis-benchmark, client libraries), in Redis's format.
/// </summary>
/// <remarks>Thread-safe: one per session factory.</remarks>
internal sealed class RespInfo
{
    /// <summary>The Redis version the server answers as: the protocol and commands it serves are those of Redis 7.2.</summary>
    public const string RedisVersion = "7.2.0";

    private static readonly string[] AllSections = ["server", "clients", "memory", "persistence", "stats", "keyspace"];

    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Func<int> _connectedClients;
    private long _connections;

    public RespInfo(Func<int> connectedClients) => _connectedClients = connectedClients;

    /// <summary>The parameters <c>CONFIG GET</c> answers: what redis-benchmark asks before it runs, and the one database.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ConfigParameters { get; } =
    [
        new("save", string.Empty),
        new("appendonly", "no"),
        new("databases", "1"),
    ];

    /// <summary>Counts a connection, for <c>total_connections_received</c>.</summary>
    public void Connected() => Interlocked.Increment(ref _connections);

    /// <summary>The <c>INFO</c> text of <paramref name="sections"/> (none, <c>default</c>, <c>all</c> or <c>everything</c>: every one).</summary>
    public string Render(IReadOnlyList<string> sections, long keys, ConnectionContext connection)
    {
        var wanted = sections.Count == 0 || sections.Any(s => s.ToLowerInvariant() is "default" or "all" or "everything")
            ? AllSections
            : AllSections.Where(s => sections.Any(asked => asked.Equals(s, StringComparison.OrdinalIgnoreCase))).ToArray();
        var text = new StringBuilder();
        foreach (var section in wanted)
        {
            if (text.Length > 0)
            {
                text.Append("\r\n");
            }

            text.Append("# ").Append(char.ToUpperInvariant(section[0])).Append(section.AsSpan(1)).Append("\r\n");
            foreach (var (name, value) in Fields(section, keys, connection))
            {
                text.Append(name).Append(':').Append(value).Append("\r\n");
            }
        }

        return text.ToString();
    }

    private IEnumerable<(string Name, string Value)> Fields(string section, long keys, ConnectionContext connection)
    {
        var invariant = CultureInfo.InvariantCulture;
        switch (section)
        {
            case "server":
                yield return ("redis_version", RedisVersion);
                yield return ("redis_mode", "standalone");
                yield return ("server_name", "sharedlist");
                yield return ("os", RuntimeInformation.OSDescription.Replace('\r', ' ').Replace('\n', ' '));
                yield return ("arch_bits", (IntPtr.Size * 8).ToString(invariant));
                yield return ("process_id", Environment.ProcessId.ToString(invariant));
                yield return ("tcp_port", (connection.LocalEndPoint is IPEndPoint ip ? ip.Port : 0).ToString(invariant));
                yield return ("uptime_in_seconds", ((long)Stopwatch.GetElapsedTime(_started).TotalSeconds).ToString(invariant));
                break;
            case "clients":
                yield return ("connected_clients", _connectedClients().ToString(invariant));
                break;
            case "memory":
                yield return ("used_memory", GC.GetTotalMemory(forceFullCollection: false).ToString(invariant));
                yield return ("used_memory_rss", Environment.WorkingSet.ToString(invariant));
                break;
            case "persistence":
                yield return ("loading", "0");
                yield return ("rdb_bgsave_in_progress", "0");
                yield return ("aof_enabled", "0");
                break;
            case "stats":
                yield return ("total_connections_received", Interlocked.Read(ref _connections).ToString(invariant));
                break;
            case "keyspace" when keys > 0:
                yield return ("db0", $"keys={keys},expires=0,avg_ttl=0");
                break;
        }
    }
}
