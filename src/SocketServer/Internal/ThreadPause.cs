using System.Runtime.InteropServices;

namespace SocketServer.Internal;

/// <summary>Sleeps of microseconds for the calling thread, which <see cref="Thread.Sleep(int)"/> cannot give. Linux only.</summary>
internal static unsafe partial class ThreadPause
{
    private const int ClockMonotonic = 1;
    private const int SetTimerSlack = 29;

    /// <summary>
    /// Lets the calling thread's timers fire at most <paramref name="slack"/> late: Linux's default of 50 µs would
    /// stretch a short pause to twice its length. Returns false where the kernel refuses it.
    /// </summary>
    public static bool TrySetTimerSlack(TimeSpan slack) => prctl(SetTimerSlack, (nuint)Math.Max(1, (long)(slack.TotalMicroseconds * 1_000)), 0, 0, 0) == 0;

    /// <summary>Sleeps for <paramref name="duration"/> (a signal may end it early, which only shortens a pause).</summary>
    public static void Sleep(TimeSpan duration)
    {
        var nanoseconds = (long)(duration.TotalMicroseconds * 1_000);
        var request = stackalloc long[2] { nanoseconds / 1_000_000_000, nanoseconds % 1_000_000_000 };
        _ = clock_nanosleep(ClockMonotonic, 0, request, null);
    }

    [LibraryImport("libc")]
    private static partial int clock_nanosleep(int clock, int flags, long* request, long* remaining);

    [LibraryImport("libc")]
    private static partial int prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);
}
