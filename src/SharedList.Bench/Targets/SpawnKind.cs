using SocketServer;

namespace SharedList.Bench.Targets;

/// <summary>
/// The servers <c>sharedlist bench --spawn</c> can start: our five models, the reference servers (a C epoll
/// ceiling, the lab's select and ThreadingTCPServer servers in Python), Redis and Garnet.
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

    /// <summary>After a model's name (<c>async+metrics</c>): the model serving its metrics too (<c>--metrics-port 0</c>), to measure their cost.</summary>
    public const string MetricsSuffix = "+metrics";

    /// <summary>The reference servers, which speak our line protocol and ship with this tool (<see cref="ReferenceServers"/>).</summary>
    public static IReadOnlyList<string> References { get; } = [Ceiling, PythonSelect, PythonThreading];

    /// <summary>Every name <c>--spawn</c> accepts, in the order the help lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [.. ServerModels.All.Select(m => m.Name()), .. References, Redis, Garnet];

    /// <summary>Whether <paramref name="name"/> is one of our models (as opposed to a reference server, Redis or Garnet).</summary>
    public static bool IsModel(string name) => ServerModels.TryParse(name.EndsWith(MetricsSuffix, StringComparison.Ordinal) ? name[..^MetricsSuffix.Length] : name, out _);

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
            if (!All.Contains(name) && !IsModel(name))
            {
                error = $"--spawn '{part}' is unknown; choose from {string.Join(", ", All)}";
                return null;
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
