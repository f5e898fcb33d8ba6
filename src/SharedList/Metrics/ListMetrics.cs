namespace SharedList.Metrics;

/// <summary>
/// The names of the service's <see cref="System.Diagnostics.Metrics.Meter"/> and its instruments, for a listener
/// (OpenTelemetry's <c>AddMeter</c>, <c>dotnet-counters monitor --counters SharedList</c>, a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>).
/// </summary>
/// <remarks>
/// Counts are observable instruments read from per-core cells when a listener asks; only the two histograms are
/// recorded as things happen, and only while a listener has enabled them.
/// </remarks>
public static class ListMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "SharedList";

    /// <summary>
    /// Requests served, tagged <see cref="CommandTag"/> (<c>append</c>, <c>list</c>, <c>clear</c>, <c>auth</c>) and
    /// <see cref="ListTag"/>; the Redis protocol's by its command's name (<c>rpush</c>, <c>lrange</c>…) and
    /// <see cref="ProtocolTag"/> (a counter, <c>{request}</c>).
    /// </summary>
    public const string Requests = "sharedlist.requests";

    /// <summary>
    /// Error replies, tagged <see cref="KindTag"/> (<c>message_too_long</c>, <c>invalid_utf8</c>,
    /// <c>not_authenticated</c>, <c>wrong_password</c>, <c>list_full</c>, <c>store_unavailable</c>) and
    /// <see cref="ListTag"/> (a counter, <c>{error}</c>).
    /// </summary>
    public const string Errors = "sharedlist.errors";

    /// <summary>From a batch of requests' receipt to its replies being ready, after the store's commit (a histogram, <c>s</c>).</summary>
    public const string RequestDuration = "sharedlist.request.duration";

    /// <summary>Items in each list of the stores in use, tagged <see cref="ListTag"/> (a gauge, <c>{item}</c>); the stores that can enumerate their lists only.</summary>
    public const string ListLength = "sharedlist.list.length";

    /// <summary>How long one commit of a store with a commit step took (a histogram, <c>s</c>).</summary>
    public const string CommitDuration = "sharedlist.store.commit.duration";

    /// <summary>Operations one commit covered (a histogram, <c>{operation}</c>).</summary>
    public const string CommitBatchSize = "sharedlist.store.commit.batch_size";

    /// <summary>Bytes the journal wrote (a counter, <c>By</c>).</summary>
    public const string JournalBytesWritten = "sharedlist.journal.bytes_written";

    /// <summary>Times the journal was synced to disk (a counter, <c>{fsync}</c>).</summary>
    public const string JournalFsyncs = "sharedlist.journal.fsyncs";

    /// <summary>The tag naming the list a request was served on (the line protocol's <c>--list-key</c>).</summary>
    public const string ListTag = "sharedlist.list";

    /// <summary>The tag of the Redis protocol's <see cref="Requests"/> and <see cref="Errors"/> (<c>resp</c>), in place of <see cref="ListTag"/>: its requests name lists of their own.</summary>
    public const string ProtocolTag = "sharedlist.protocol";

    /// <summary>The tag of <see cref="Requests"/>: the command.</summary>
    public const string CommandTag = "command";

    /// <summary>The tag of <see cref="Errors"/>: the kind of error.</summary>
    public const string KindTag = "kind";
}
