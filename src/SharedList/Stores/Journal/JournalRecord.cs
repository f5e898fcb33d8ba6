namespace SharedList.Stores.Journal;

/// <summary>One sound record as read from a journal: its spans are valid until the reader reads the next.</summary>
internal readonly ref struct JournalRecord
{
    public JournalRecord(long offset, byte type, ReadOnlySpan<byte> key, ReadOnlyMemory<byte> body, ReadOnlySpan<byte> bytes)
    {
        Offset = offset;
        Type = type;
        Key = key;
        Body = body;
        Bytes = bytes;
    }

    /// <summary>Where the record begins in the file.</summary>
    public long Offset { get; }

    /// <summary>One of the types of <see cref="JournalFormat"/>.</summary>
    public byte Type { get; }

    /// <summary>The list's name, as valid UTF-8; empty for a clear-all.</summary>
    public ReadOnlySpan<byte> Key { get; }

    /// <summary>What follows the key (<see cref="JournalFormat"/>): an append's item, a push's or pop's end and count.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The whole record, header included, as it is in the file.</summary>
    public ReadOnlySpan<byte> Bytes { get; }
}
