using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SocketServer.Core;

/// <summary>
/// Keeps the last descriptors below the process's open-file limit (RLIMIT_NOFILE) for the runtime: out of
/// descriptors, .NET cannot start a thread, and when the thread pool cannot grow the process dies
/// (docs/RELIABILITY.md). A connection accepted into the reserve is refused like one past the connection limit,
/// and the accept loop backs off as it does for EMFILE.
/// </summary>
/// <remarks>Linux only (elsewhere nothing is reserved). Thread-safe.</remarks>
internal static partial class DescriptorReserve
{
    /// <summary>Descriptors kept free: a thread start needs two, and the pool may start several at once.</summary>
    public const int Reserved = 32;

    // RLIMIT_NOFILE in Linux's <sys/resource.h>.
    private const int OpenFilesResource = 7;

    /// <summary>
    /// True when <paramref name="accepted"/> took one of the reserved descriptors. Accept returns the lowest
    /// free descriptor, so one this close to the limit means fewer than <see cref="Reserved"/> are left.
    /// </summary>
    public static bool IsReserved(Socket accepted)
    {
        // The limit is read on every accept, not cached: it can be changed while the server runs (prlimit).
        if (!OperatingSystem.IsLinux() || GetResourceLimit(OpenFilesResource, out var limit) != 0)
        {
            return false;
        }

        return (ulong)accepted.Handle.ToInt64() + Reserved >= limit.Current;
    }

    /// <summary>What an accept loop reports to its backoff when it refuses a connection to keep the reserve.</summary>
    public static SocketException Exhausted() =>
        new((int)SocketError.TooManyOpenSockets, $"Too many open files: fewer than {Reserved} descriptors left below the open-file limit, kept for the runtime");

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetResourceLimit(int resource, out ResourceLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
