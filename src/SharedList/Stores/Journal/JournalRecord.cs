namespace SharedList.Stores.Journal;

/// <summary>One sound record as read from a journal: its spans are valid until the reader reads the next.</summary>
internal readonly ref struct JournalRecord
{
    public JournalRecord(long offset, byte type, ReadOnlySpan<byte> key, ReadOnlySpan<byte> item, ReadOnlySpan<byte> bytes)
    {
        Offset = offset;
        Type = type;
        Key = key;
        Item = item;
        Bytes = bytes;
    }

    /// <summary>Where the record begins in the file.</summary>
    public long Offset { get; }

    /// <summary><see cref="JournalFormat.AppendType"/> or <see cref="JournalFormat.ClearType"/>.</summary>
    public byte Type { get; }

    /// <summary>The list's name, as valid UTF-8.</summary>
    public ReadOnlySpan<byte> Key { get; }

    /// <summary>The item appended, as valid UTF-8; empty for a clear.</summary>
    public ReadOnlySpan<byte> Item { get; }

    /// <summary>The whole record, header included, as it is in the file.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    public bool IsAppend => Type == JournalFormat.AppendType;
}
