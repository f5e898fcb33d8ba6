namespace SharedList.Stores.Journal;

/// <summary>How reading a journal ended.</summary>
internal enum JournalEnd
{
    /// <summary>Still reading, or every byte was a sound record.</summary>
    Complete,

    /// <summary>The last write was cut short (a crash in mid-write): what follows <see cref="JournalReader.Offset"/> is to be cut.</summary>
    TornTail,

    /// <summary>A record that fails its checks, with more bytes after it: damage, not a crash in mid-write.</summary>
    Damaged,
}
