using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using SocketServer;

namespace SharedList.Bench.Targets;

/// <summary>Where a spawned <c>sharedlist serve</c> keeps its list.</summary>
public enum SpawnStore
{
    /// <summary>In the process's memory: <c>serve</c>'s default.</summary>
    Memory,

    /// <summary>In a journal under a fresh temporary directory: <c>serve --data DIR --fsync POLICY</c>.</summary>
    Journal,

    /// <summary>In a redis-server started for it: <c>serve --store redis://127.0.0.1:PORT</c>.</summary>
    Redis,
}

/// <summary>
/// A <c>--spawn</c> name for one of our models, split into the model and the store it runs over:
/// <c>async</c> (memory), <c>async+journal</c> (<c>--fsync everysec</c>), <c>async+journal-always</c>,
/// <c>async+journal-no</c>, <c>async+redis</c>.
/// </summary>
/// <param name="Model">The model's name, as <c>serve --model</c> takes it.</param>
/// <param name="Store">Where it keeps the list.</param>
/// <param name="Fsync">The journal's <c>--fsync</c> policy (<c>always</c>, <c>everysec</c>, <c>no</c>); null for the other stores.</param>
/// <param name="Metrics">Whether it serves its metrics too (<c>--metrics-port 0</c>), named with a last <c>+metrics</c>: <c>async+metrics</c>, <c>async+journal+metrics</c>.</param>
/// <param name="Resp">Whether the load speaks the Redis protocol to its <c>--resp-port</c> rather than the line protocol, named with <c>+resp</c>: <c>async+resp</c>, <c>epoll+journal+resp</c>.</param>
public sealed record ModelSpawn(string Model, SpawnStore Store, string? Fsync, bool Metrics = false, bool Resp = false)
{
    /// <summary>The last suffix of a model that serves its metrics, to measure their cost.</summary>
    public const string MetricsSuffix = "+metrics";

    /// <summary>The suffix of a model driven through its Redis protocol port (before <see cref="MetricsSuffix"/>, if both).</summary>
    public const string RespSuffix = "+resp";

    /// <summary>The suffixes that put a model over a store, in the order the help lists them, with what each means.</summary>
    public static IReadOnlyList<(string Suffix, SpawnStore Store, string? Fsync)> StoreSuffixes { get; } =
    [
        ("journal", SpawnStore.Journal, "everysec"),
        ("journal-always", SpawnStore.Journal, "always"),
        ("journal-no", SpawnStore.Journal, "no"),
        ("redis", SpawnStore.Redis, null),
    ];

    /// <summary>The forms a model over a store takes, for help and errors: <c>MODEL+journal</c>, ….</summary>
    public static IReadOnlyList<string> StoreForms { get; } = [.. StoreSuffixes.Select(s => "MODEL+" + s.Suffix)];

    /// <summary>The name <c>--spawn</c> gives it: the model, then <c>+suffix</c> for a store other than memory.</summary>
    public string Name => (Store == SpawnStore.Memory ? Model : $"{Model}+{StoreSuffixes.First(s => s.Store == Store && s.Fsync == Fsync).Suffix}") + (Resp ? RespSuffix : string.Empty) + (Metrics ? MetricsSuffix : string.Empty);

    /// <summary>Parses <c>MODEL</c> or <c>MODEL+STORE</c> (any case); false, with <paramref name="error"/> when it names a store, for anything else.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out ModelSpawn? spawn, out string? error)
    {
        spawn = null;
        error = null;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        if (name.Length > MetricsSuffix.Length && name.EndsWith(MetricsSuffix, StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParse(name[..^MetricsSuffix.Length], out var without, out error) || without.Metrics)
            {
                error ??= $"--spawn '{name}': {MetricsSuffix} comes once, last";
                return false;
            }

            spawn = without with { Metrics = true };
            return true;
        }

        if (name.Length > RespSuffix.Length && name.EndsWith(RespSuffix, StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParse(name[..^RespSuffix.Length], out var without, out error) || without.Resp || without.Metrics)
            {
                error ??= $"--spawn '{name}': {RespSuffix} comes once, after the store and before {MetricsSuffix}";
                return false;
            }

            spawn = without with { Resp = true };
            return true;
        }

        var plus = name.IndexOf('+', StringComparison.Ordinal);
        var model = plus < 0 ? name : name[..plus];
        if (!ServerModels.TryParse(model, out var parsed))
        {
            if (plus >= 0)
            {
                error = $"--spawn '{name}': '{model}' is not a model; choose from {string.Join(", ", ServerModels.All.Select(m => m.Name()))}";
            }

            return false;
        }

        if (plus < 0)
        {
            spawn = new ModelSpawn(parsed.Name(), SpawnStore.Memory, null);
            return true;
        }

        var suffix = name[(plus + 1)..];
        foreach (var (candidate, store, fsync) in StoreSuffixes)
        {
            if (string.Equals(candidate, suffix, StringComparison.OrdinalIgnoreCase))
            {
                spawn = new ModelSpawn(parsed.Name(), store, fsync);
                return true;
            }
        }

        error = $"--spawn '{name}': '{suffix}' is not a store; after MODEL+ choose from {string.Join(", ", StoreSuffixes.Select(s => s.Suffix))}";
        return false;
    }

    /// <summary>Parses a name <see cref="TryParse"/> accepts; throws <see cref="ArgumentException"/> for any other.</summary>
    public static ModelSpawn Parse(string name) => TryParse(name, out var spawn, out var error)
        ? spawn
        : throw new ArgumentException(error ?? $"'{name}' is not one of our models", nameof(name));

    /// <summary>
    /// The options of <c>sharedlist serve</c> that select the store: none for memory,
    /// <c>--data <paramref name="dataDirectory"/> --fsync POLICY</c> for the journal,
    /// <c>--store redis://HOST:PORT</c> for Redis at <paramref name="redis"/>; then <c>--resp-port 0</c> with <see cref="Resp"/>
    /// and <c>--metrics-port 0</c> with <see cref="Metrics"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The store needs the argument that is null.</exception>
    public IReadOnlyList<string> StoreOptions(string? dataDirectory, IPEndPoint? redis) => Store switch
    {
        SpawnStore.Memory => MetricsOptions,
        SpawnStore.Journal => ["--data", dataDirectory ?? throw new ArgumentException("A journal needs a data directory.", nameof(dataDirectory)), "--fsync", Fsync!, .. MetricsOptions],
        SpawnStore.Redis => ["--store", RedisUrl(redis ?? throw new ArgumentException("The Redis store needs Redis's address.", nameof(redis))), .. MetricsOptions],
        _ => throw new InvalidOperationException($"unknown store {Store}"),
    };

    private string[] MetricsOptions => [.. Resp ? ["--resp-port", "0"] : Array.Empty<string>(), .. Metrics ? ["--metrics-port", "0"] : Array.Empty<string>()];

    /// <summary>The <c>--store</c> URL of a Redis server at <paramref name="endPoint"/>: <c>redis://127.0.0.1:6379</c>.</summary>
    public static string RedisUrl(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return string.Create(CultureInfo.InvariantCulture, $"redis://{endPoint}");
    }
}
