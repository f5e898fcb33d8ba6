using SharedList.Stores;

namespace SharedList.Hosting;

/// <summary>Where the lists live: in memory (the default), in a journal on disk, or in Redis. The defaults are <c>sharedlist serve</c>'s.</summary>
public sealed record StoreSettings
{
    /// <summary>The journal's directory (<c>--data</c>): the lists outlive the process. Null for none.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>When the journal syncs (<c>--fsync</c>). Default <see cref="FsyncPolicy.EverySecond"/>, as Redis's <c>appendfsync</c>.</summary>
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.EverySecond;

    /// <summary>Cut a journal damaged in the middle where the damage begins, instead of refusing to start (<c>--repair</c>).</summary>
    public bool Repair { get; init; }

    /// <summary>A Redis-compatible server's address, <c>redis://[user:password@]host:port[/db]</c> or <c>rediss://</c> (<c>--store</c>). Null for none.</summary>
    public Uri? Redis { get; init; }

    /// <summary>Items a list holds at most.</summary>
    public int MaxItems { get; init; } = InMemoryList.DefaultMaxItems;

    /// <summary>Which store these settings open.</summary>
    public StoreKind Kind => Redis is not null ? StoreKind.Redis : DataDirectory is not null ? StoreKind.Journal : StoreKind.Memory;

    /// <summary>True for a store that several processes can share, so that <c>--reuse-port</c> makes sense.</summary>
    public bool IsShared => Kind == StoreKind.Redis;
}

/// <summary>The kinds of store.</summary>
public enum StoreKind
{
    /// <summary>This process's memory: a restart starts empty.</summary>
    Memory,

    /// <summary>A journal on this machine's disk, replayed at start-up.</summary>
    Journal,

    /// <summary>A Redis-compatible server, shared by every process that uses it.</summary>
    Redis,
}
