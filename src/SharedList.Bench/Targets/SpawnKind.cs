using SocketServer;

namespace SharedList.Bench.Targets;

/// <summary>
/// The servers <c>sharedlist bench --spawn</c> can start: our models, over memory or over a store
/// (<see cref="ModelSpawn"/>: <c>async+journal</c>, <c>async+redis</c>, …), the reference servers (a C epoll
/// ceiling, the lab's select and ThreadingTCPServer servers in Python), Redis (without persistence, or with its
/// AOF) and Garnet.
/// </summary>
public static class SpawnKind
{
    /// <summary>The minimal C epoll server that answers without storing: the cost of the socket loop alone.</summary>
    public const string Ceiling = "ceiling";

    /// <summary>The lab's <c>select.select</c> server in Python 3.</summary>
    public const string PythonSelect = "python-select";

    /// <summary>The lab's <c>socketserver.ThreadingTCPServer</c> server in Python 3.</summary>
    public const string PythonThreading = "python-threading";

    /// <summary>Redis (<c>redis-server</c>), spoken to in RESP.</summary>
    public const string Redis = "redis";

    /// <summary>Garnet (<c>garnet-server</c>, the .NET tool), spoken to in RESP.</summary>
    public const string Garnet = "garnet";

    /// <summary>Redis with its append-only file fsynced before every reply (<c>--appendfsync always</c>), spoken to in RESP.</summary>
    public const string RedisAofAlways = "redis-aof-always";

    /// <summary>Redis with its append-only file fsynced once a second (<c>--appendfsync everysec</c>), spoken to in RESP.</summary>
    public const string RedisAofEverysec = "redis-aof-everysec";

    /// <summary>The reference servers, which speak our line protocol and ship with this tool (<see cref="ReferenceServers"/>).</summary>
    public static IReadOnlyList<string> References { get; } = [Ceiling, PythonSelect, PythonThreading];

    /// <summary>
    /// Every name <c>--spawn</c> accepts as it is, in the order the help lists them; besides these, each model
    /// over a store (<see cref="ModelSpawn.StoreForms"/>).
    /// </summary>
    public static IReadOnlyList<string> All { get; } = [.. ServerModels.All.Select(m => m.Name()), .. References, Redis, Garnet, RedisAofAlways, RedisAofEverysec];

    /// <summary>What <c>--spawn</c> accepts, for help and errors: <see cref="All"/>, then the forms of a model over a store.</summary>
    public static string Choices => $"{string.Join(", ", All)}, or a model over a store: {string.Join(", ", ModelSpawn.StoreForms)} (e.g. async+journal); any of these models with +resp is driven through its Redis protocol port (async+resp), and with a last +metrics serves its metrics too (async+metrics)";

    /// <summary>Whether <paramref name="name"/> is one of our models, over any store (as opposed to a reference server, Redis or Garnet).</summary>
    public static bool IsModel(string name) => ModelSpawn.TryParse(name, out _, out _);

    /// <summary>Whether <paramref name="name"/> is run by <c>redis-server</c>: <c>redis</c> or one of the AOF targets.</summary>
    public static bool IsRedis(string name) => name is Redis or RedisAofAlways or RedisAofEverysec;

    /// <summary>Whether <paramref name="name"/> needs <c>redis-server</c>: a Redis target, or a model over the Redis store.</summary>
    public static bool NeedsRedisServer(string name) => IsRedis(name) || (ModelSpawn.TryParse(name, out var spawn, out _) && spawn.Store == SpawnStore.Redis);

    /// <summary>
    /// The arguments that start <c>redis-server</c> as <paramref name="kind"/> (one of <see cref="IsRedis"/>) on
    /// <paramref name="port"/> of the loopback: no persistence for <c>redis</c>; for the AOF targets, the
    /// append-only file with its fsync policy in <paramref name="directory"/>, and no RDB snapshots.
    /// </summary>
    /// <exception cref="ArgumentException">Not a Redis target, or an AOF target without a directory.</exception>
    public static IReadOnlyList<string> RedisArguments(string kind, int port, string? directory)
    {
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] common = ["--port", portText, "--bind", "127.0.0.1", "--save", string.Empty];
        return kind switch
        {
            Redis => [.. common, "--appendonly", "no"],
            RedisAofAlways or RedisAofEverysec => [
                .. common,
                "--appendonly", "yes",
                "--appendfsync", kind == RedisAofAlways ? "always" : "everysec",
                "--dir", directory ?? throw new ArgumentException("An AOF target needs a directory.", nameof(directory)),
            ],
            _ => throw new ArgumentException($"'{kind}' is not run by redis-server", nameof(kind)),
        };
    }

    /// <summary>Whether <paramref name="name"/> is one of the <see cref="References"/>.</summary>
    public static bool IsReference(string name) => References.Contains(name);

    /// <summary>
    /// Parses a comma-separated list of names; null with <paramref name="error"/> for an unknown or repeated one.
    /// </summary>
    public static IReadOnlyList<string>? TryParseList(string? text, out string? error)
    {
        error = null;
        var names = new List<string>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.ToLowerInvariant();
            if (!All.Contains(name))
            {
                if (!ModelSpawn.TryParse(name, out _, out var storeError))
                {
                    error = storeError ?? $"--spawn '{part}' is unknown; choose from {Choices}";
                    return null;
                }
            }

            if (names.Contains(name))
            {
                error = $"--spawn names '{name}' twice";
                return null;
            }

            names.Add(name);
        }

        if (names.Count == 0)
        {
            error = "--spawn is empty; e.g. --spawn async,select,redis";
            return null;
        }

        return names;
    }
}
