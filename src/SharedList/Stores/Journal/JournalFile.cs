using Microsoft.Win32.SafeHandles;
using SharedList.Metrics;

namespace SharedList.Stores.Journal;

/// <summary>The journal on the disk: positional writes (pwrite) on one handle, flushed with fdatasync.</summary>
internal sealed class JournalFile : IJournalFile
{
    private readonly SafeFileHandle _handle;

    private JournalFile(SafeFileHandle handle) => _handle = handle;

    /// <summary>Opens the existing journal at <paramref name="path"/> for writing.</summary>
    public static IJournalFile Open(string path) =>
        new JournalFile(File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read));

    public void Write(ReadOnlySpan<byte> bytes, long offset)
    {
        RandomAccess.Write(_handle, bytes, offset);
        JournalMetrics.Wrote(bytes.Length);
    }

    public void Sync()
    {
        FileSync.DataSync(_handle);
        JournalMetrics.Synced();
    }

    public void SetLength(long length) => RandomAccess.SetLength(_handle, length);

    public void Dispose() => _handle.Dispose();
}
