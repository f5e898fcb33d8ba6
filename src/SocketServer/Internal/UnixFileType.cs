using System.Runtime.InteropServices;

namespace SocketServer.Internal;

/// <summary>
/// Whether a path names a socket file: .NET's file APIs do not tell a socket from a regular file, and a stale
/// socket may be deleted where a regular file never may. Linux only, through <c>statx</c>.
/// </summary>
internal static unsafe partial class UnixFileType
{
    private const int CurrentDirectory = -100;         // AT_FDCWD
    private const int DoNotFollowLinks = 0x100;        // AT_SYMLINK_NOFOLLOW: a link to a socket is not one
    private const uint WantType = 0x1;                 // STATX_TYPE
    private const int StatxSize = 256;                 // sizeof(struct statx), the same on every architecture
    private const int ModeOffset = 28;                 // offsetof(struct statx, stx_mode)
    private const ushort TypeMask = 0xF000;            // S_IFMT
    private const ushort SocketType = 0xC000;          // S_IFSOCK

    /// <summary>True for a socket, false for anything else; null when it cannot tell (not Linux, or the call failed).</summary>
    public static bool? IsSocket(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = stackalloc byte[StatxSize];
        try
        {
            if (statx(CurrentDirectory, path, DoNotFollowLinks, WantType, buffer) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            // A C library older than statx (glibc 2.28, musl 1.2.5).
            return null;
        }

        var mode = *(ushort*)(buffer + ModeOffset);
        return (mode & TypeMask) == SocketType;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int directory, string path, int flags, uint mask, byte* buffer);
}
