using Microsoft.Extensions.Logging;

namespace SharedList.Stores.Journal;

/// <summary>Every event the journal store logs, each with its own id.</summary>
internal static partial class JournalLog
{
    [LoggerMessage(301, LogLevel.Warning, "Journal {Path}: torn tail at offset {Offset} ({Problem}), cut {Bytes} bytes")]
    public static partial void TornTailCut(this ILogger logger, string path, long offset, string problem, long bytes);

    [LoggerMessage(302, LogLevel.Warning, "Journal {Path}: damaged at offset {Offset} ({Problem}); --repair cut {Bytes} bytes there")]
    public static partial void Repaired(this ILogger logger, string path, long offset, string problem, long bytes);

    [LoggerMessage(303, LogLevel.Information, "Journal {Path}: a stale {Stale} from an interrupted rewrite was deleted")]
    public static partial void StaleRewriteDeleted(this ILogger logger, string path, string stale);

    [LoggerMessage(304, LogLevel.Information, "Journal {Path}: {Records} records replayed into {Lists} lists in {Milliseconds} ms")]
    public static partial void Replayed(this ILogger logger, string path, long records, int lists, long milliseconds);

    [LoggerMessage(305, LogLevel.Information, "Journal {Path}: rewritten from {OldBytes} to {NewBytes} bytes")]
    public static partial void Rewritten(this ILogger logger, string path, long oldBytes, long newBytes);

    [LoggerMessage(306, LogLevel.Warning, "Journal {Path}: rewrite failed, the journal is kept as it is")]
    public static partial void RewriteFailed(this ILogger logger, Exception exception, string path);

    [LoggerMessage(307, LogLevel.Warning, "Journal {Path}: writes fail ({Reason}); changes are refused until a write succeeds")]
    public static partial void WritesFailing(this ILogger logger, Exception exception, string path, string reason);

    [LoggerMessage(308, LogLevel.Information, "Journal {Path}: writes succeed again")]
    public static partial void WritesRecovered(this ILogger logger, string path);

    [LoggerMessage(309, LogLevel.Warning, "Journal {Path}: the flush to disk fails; acknowledged appends may be lost in a machine crash until it succeeds")]
    public static partial void SyncFailing(this ILogger logger, Exception exception, string path);

    [LoggerMessage(310, LogLevel.Information, "Journal {Path}: the flush to disk succeeds again")]
    public static partial void SyncRecovered(this ILogger logger, string path);

    [LoggerMessage(311, LogLevel.Warning, "Journal {Path}: {Dropped} items past --max-items {MaxItems} were not loaded")]
    public static partial void ItemsDropped(this ILogger logger, string path, long dropped, int maxItems);

    [LoggerMessage(312, LogLevel.Error, "Journal {Path}: the lists could not be read back after a failed write; memory may differ from the journal until a restart")]
    public static partial void RollbackFailed(this ILogger logger, Exception exception, string path);
}
