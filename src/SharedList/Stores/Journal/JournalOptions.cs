namespace SharedList.Stores.Journal;

/// <summary>How a <see cref="JournalListStore"/> is opened.</summary>
public sealed record JournalOptions
{
    /// <summary>The default least number of dead bytes a rewrite at run time waits for (as well as more dead than live): 64 MiB.</summary>
    public const long DefaultRewriteMinDeadBytes = 64L * 1024 * 1024;

    /// <summary>The default least number of dead bytes a rewrite at start-up waits for (as well as half the file dead): 1 MiB.</summary>
    public const long DefaultStartupRewriteMinDeadBytes = 1024L * 1024;

    /// <summary>The directory that holds <c>sharedlist.journal</c>; created when missing (<c>--data DIR</c>).</summary>
    public required string Directory { get; init; }

    /// <summary>When the journal is flushed to the disk (<c>--fsync</c>). Default <see cref="FsyncPolicy.EverySecond"/>, as Redis.</summary>
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.EverySecond;

    /// <summary>
    /// Cut a journal that is damaged in the middle at the damage, losing what follows (<c>--repair</c>); without it,
    /// opening such a journal throws <see cref="JournalCorruptException"/>.
    /// </summary>
    public bool Repair { get; init; }

    /// <summary>The most items one list holds; an append past it is refused.</summary>
    public int MaxItems { get; init; } = InMemoryList.DefaultMaxItems;

    /// <summary>Dead bytes a rewrite at run time waits for; smaller in tests.</summary>
    internal long RewriteMinDeadBytes { get; init; } = DefaultRewriteMinDeadBytes;

    /// <summary>Dead bytes a rewrite at start-up waits for; smaller in tests.</summary>
    internal long StartupRewriteMinDeadBytes { get; init; } = DefaultStartupRewriteMinDeadBytes;

    /// <summary>How the journal is opened for writing: the real file, or one that fails on demand in tests.</summary>
    internal Func<string, IJournalFile> OpenFile { get; init; } = JournalFile.Open;

    /// <summary>How often <see cref="FsyncPolicy.EverySecond"/> flushes.</summary>
    internal TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(1);
}
