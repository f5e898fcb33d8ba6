namespace SharedList.Stores.Journal;

/// <summary>
/// The journal cannot be opened: it is damaged before its end (a record whose checksum fails, with records after it),
/// or it is not a SharedList journal at all. The message names the file and the offset, and says what
/// <c>--repair</c> would do.
/// </summary>
public sealed class JournalCorruptException : StoreOpenException
{
    /// <summary>Creates the exception for <paramref name="path"/>, damaged at <paramref name="offset"/>.</summary>
    public JournalCorruptException(string path, long offset, string message)
        : base(message)
    {
        Path = path;
        Offset = offset;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public JournalCorruptException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public JournalCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception with no message.</summary>
    public JournalCorruptException()
    {
        Path = string.Empty;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>Where the damage begins, in bytes from the start of the file.</summary>
    public long Offset { get; }
}
