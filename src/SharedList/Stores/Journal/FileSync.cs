using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SharedList.Stores.Journal;

/// <summary>
/// fdatasync for a file, and fsync for a directory (which .NET cannot open), so that a rename survives a crash.
/// Elsewhere than Linux, the portable flush.
/// </summary>
internal static partial class FileSync
{
    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux

    /// <summary>Flushes the data of <paramref name="handle"/>'s file, and the metadata needed to read it back (its length).</summary>
    public static void DataSync(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            while (fdatasync((int)handle.DangerousGetHandle()) != 0)
            {
                ThrowUnlessInterrupted("fdatasync");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Flushes <paramref name="directory"/>'s entries: a file renamed into it stays renamed after a crash.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = open(directory, ReadOnlyDirectory);
        if (fd < 0)
        {
            ThrowLastError("open", directory);
        }

        try
        {
            while (fsync(fd) != 0)
            {
                ThrowUnlessInterrupted("fsync");
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    private static void ThrowUnlessInterrupted(string call)
    {
        const int Interrupted = 4; // EINTR
        if (Marshal.GetLastPInvokeError() != Interrupted)
        {
            ThrowLastError(call, null);
        }
    }

    private static void ThrowLastError(string call, string? path)
    {
        var errno = Marshal.GetLastPInvokeError();
        throw new IOException($"{call}{(path is null ? "" : $" {path}")}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fdatasync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
