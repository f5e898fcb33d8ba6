using SharedList.Stores.Journal;

namespace SharedList.Tests.Stores.Journal;

/// <summary>
/// The real journal file, whose writes fail as a full disk's do (ENOSPC, as .NET reports it) while <see cref="Full"/>
/// is set, after writing part of what they were given; or with <see cref="Failure"/>'s exception.
/// </summary>
internal sealed class FailingJournalFile(IJournalFile inner) : IJournalFile
{
    private const int NoSpace = 28;

    public volatile bool Full;

    public Func<Exception> Failure { get; set; } = () => new IOException("No space left on device", NoSpace);

    public int FailedWrites;

    public void Write(ReadOnlySpan<byte> bytes, long offset)
    {
        if (Full)
        {
            FailedWrites++;

            // A partial write, as when the disk fills in the middle: the store must cut it.
            inner.Write(bytes[..(bytes.Length / 2)], offset);
            throw Failure();
        }

        inner.Write(bytes, offset);
    }

    public void Sync() => inner.Sync();

    public void SetLength(long length) => inner.SetLength(length);

    public void Dispose() => inner.Dispose();
}
