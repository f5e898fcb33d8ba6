using System.Globalization;
using System.Runtime.InteropServices;

namespace SharedList.Bench.Measurement;

/// <summary>
/// CPU time a process has used (user + system, all threads), from <c>/proc/PID/stat</c> (fields 14 and 15,
/// utime and stime, in clock ticks of <c>sysconf(_SC_CLK_TCK)</c>, what <c>getconf CLK_TCK</c> prints:
/// normally 100, so a resolution of 10 ms). Linux only; elsewhere every reading is null.
/// </summary>
public static partial class ProcessCpu
{
    // sysconf's name for CLK_TCK in glibc and musl.
    private const int ClockTicksName = 2;

    private static readonly Lazy<long> TicksPerSecond = new(() =>
    {
        if (!OperatingSystem.IsLinux())
        {
            return 100;
        }

        var ticks = sysconf(ClockTicksName);
        return ticks > 0 ? ticks : 100;
    });

    /// <summary>Clock ticks per second, as <c>getconf CLK_TCK</c> prints.</summary>
    public static long ClockTicksPerSecond => TicksPerSecond.Value;

    /// <summary>CPU seconds used so far by process <paramref name="pid"/>, or null when it cannot be read (gone, not Linux).</summary>
    public static double? Seconds(int pid)
    {
        try
        {
            return ParseStat(File.ReadAllText($"/proc/{pid}/stat")) / (double)ClockTicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>CPU seconds used so far by this process.</summary>
    public static double? SelfSeconds() => Seconds(Environment.ProcessId);

    /// <summary>utime + stime, in clock ticks, from the text of <c>/proc/PID/stat</c>.</summary>
    internal static long ParseStat(string stat)
    {
        // The command name (field 2) is in parentheses and may hold spaces or ')': fields are counted after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            throw new FormatException("not a /proc/PID/stat line");
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // fields[0] is field 3 (state), so field 14 (utime) is fields[11] and field 15 (stime) fields[12].
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    [LibraryImport("libc")]
    private static partial long sysconf(int name);
}
