namespace SharedList.Stores;

/// <summary>When the journal asks the disk to keep what was written (fsync), as Redis's <c>appendfsync</c>.</summary>
public enum FsyncPolicy
{
    /// <summary>Before every reply that depends on it: an acknowledged append survives a crash of the machine.</summary>
    Always,

    /// <summary>Once a second: a crash of the machine loses at most about a second of acknowledged appends; a crash of the process loses none.</summary>
    EverySecond,

    /// <summary>Never; the operating system writes back when it chooses. A crash of the process loses nothing.</summary>
    No,
}
