using SharedList.Hosting;

namespace SharedList.Bench.Targets;

/// <summary>The servers <c>sharedlist bench --spawn</c> can start: our five models, Redis and Garnet.</summary>
public static class SpawnKind
{
    /// <summary>Redis (<c>redis-server</c>), spoken to in RESP.</summary>
    public const string Redis = "redis";

    /// <summary>Garnet (<c>garnet-server</c>, the .NET tool), spoken to in RESP.</summary>
    public const string Garnet = "garnet";

    /// <summary>Every name <c>--spawn</c> accepts, in the order the help lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<ServerModel>().Select(m => m.ToString().ToLowerInvariant()), Redis, Garnet];

    /// <summary>Whether <paramref name="name"/> is one of our models (as opposed to Redis or Garnet).</summary>
    public static bool IsModel(string name) => Enum.TryParse<ServerModel>(name, ignoreCase: true, out _) && !int.TryParse(name, out _);

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
