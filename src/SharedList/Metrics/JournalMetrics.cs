using SocketServer.Diagnostics;

namespace SharedList.Metrics;

/// <summary>
/// What a journal store counts, for <see cref="ListMetrics.JournalBytesWritten"/> and
/// <see cref="ListMetrics.JournalFsyncs"/>: call <see cref="Wrote"/> after each write to the journal file and
/// <see cref="Synced"/> after each fsync. Process-wide: a process serves one journal.
/// </summary>
/// <remarks>Threading: from any thread, lock-free and allocation-free.</remarks>
internal static class JournalMetrics
{
    private const int Written = 0;
    private const int Syncs = 1;

    private static readonly StripedCounters Counts = new(2);

    public static long BytesWritten => Counts.Read(Written);

    public static long Fsyncs => Counts.Read(Syncs);

    /// <summary>Counts <paramref name="bytes"/> written to the journal.</summary>
    public static void Wrote(long bytes) => Counts.Add(Written, bytes);

    /// <summary>Counts one fsync of the journal.</summary>
    public static void Synced() => Counts.Increment(Syncs);
}
