namespace SharedList.Stores.Journal;

/// <summary>When the journal is flushed to the disk, as Redis's <c>appendfsync</c> (CLI names <c>always</c>, <c>everysec</c>, <c>no</c>).</summary>
public enum FsyncPolicy
{
    /// <summary>Every commit is flushed (fdatasync) before its replies are sent: an <c>Ack</c> means the item is on the disk.</summary>
    Always,

    /// <summary>
    /// Every commit is written before its replies are sent, and flushed within about a second: a process crash loses
    /// nothing acknowledged, a machine crash or power loss at most about a second of it.
    /// </summary>
    EverySecond,

    /// <summary>Commits are written but never flushed while the store is open: the operating system decides (Linux: within about 30 s).</summary>
    No,
}
