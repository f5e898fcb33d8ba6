namespace SharedList.Stores.Journal;

/// <summary>The journal file as the store writes it: where a test makes writes fail as a full disk does.</summary>
/// <remarks>Threading: <see cref="Sync"/> may run on the flushing timer while the committing thread writes.</remarks>
internal interface IJournalFile : IDisposable
{
    /// <summary>Writes all of <paramref name="bytes"/> at <paramref name="offset"/> in one call; throws <see cref="IOException"/> when it cannot.</summary>
    void Write(ReadOnlySpan<byte> bytes, long offset);

    /// <summary>Flushes what was written to the disk (fdatasync).</summary>
    void Sync();

    /// <summary>Cuts the file to <paramref name="length"/> bytes.</summary>
    void SetLength(long length);
}
