using System.Diagnostics;
using System.Globalization;

namespace SharedList.Bench.Measurement;

/// <summary>
/// The resident memory of a process (<c>VmRSS</c> and <c>RssAnon</c> of <c>/proc/PID/status</c>), and a wait
/// until it stops changing. Linux only; elsewhere every reading is null.
/// </summary>
public static class ProcessMemory
{
    /// <summary>How often <see cref="SettleAsync"/> reads.</summary>
    public static readonly TimeSpan SettleInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How far apart the readings of the settle window may be, in bytes: a few pages of jitter (a timer, a log
    /// line) must not hold the wait up; growth or shrinking that goes on must.
    /// </summary>
    public const long SettleTolerance = 256 * 1024;

    /// <summary>The resident memory of process <paramref name="pid"/>, or null when it cannot be read (gone, not Linux).</summary>
    public static MemoryReading? Read(int pid)
    {
        try
        {
            return Parse(File.ReadAllText($"/proc/{pid}/status"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The resident memory of this process.</summary>
    public static MemoryReading? ReadSelf() => Read(Environment.ProcessId);

    /// <summary>
    /// Reads every <see cref="SettleInterval"/> until the readings of the last <paramref name="window"/> lie
    /// within <see cref="SettleTolerance"/> of each other, or <paramref name="timeout"/> passes; returns the
    /// last reading and whether it settled. Throws <see cref="InvalidOperationException"/> when the process is gone.
    /// </summary>
    public static async Task<(MemoryReading Reading, bool Settled)> SettleAsync(int pid, TimeSpan window, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var readings = (int)Math.Ceiling(window / SettleInterval) + 1;
        var started = Stopwatch.GetTimestamp();
        var recent = new Queue<long>();
        while (true)
        {
            var reading = Read(pid) ?? throw new InvalidOperationException($"the memory of process {pid} cannot be read: has it exited?");
            recent.Enqueue(reading.RssBytes);
            if (recent.Count > readings)
            {
                recent.Dequeue();
            }

            if (recent.Count == readings && recent.Max() - recent.Min() <= SettleTolerance)
            {
                return (reading, true);
            }

            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                return (reading, false);
            }

            await Task.Delay(SettleInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many files this process may have open at once (the soft <c>RLIMIT_NOFILE</c>), or null when unknown.</summary>
    /// <remarks>.NET raises the soft limit to the hard one at startup, so this is what <c>ulimit -Hn</c> says.</remarks>
    public static long? OpenFilesLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields[0] == "unlimited" ? long.MaxValue : long.Parse(fields[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux: unknown.
        }

        return null;
    }

    /// <summary>How many files this process has open now, or null when unknown.</summary>
    public static int? OpenFiles()
    {
        try
        {
            return Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary><c>VmRSS</c> and <c>RssAnon</c> (in kB in the file) from the text of <c>/proc/PID/status</c>, in bytes.</summary>
    internal static MemoryReading Parse(string status)
    {
        long? rss = null;
        long? anon = null;
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line["VmRSS:".Length..]);
            }
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anon = Kilobytes(line["RssAnon:".Length..]);
            }
        }

        // A kernel thread, or a process that is exiting, has no VmRSS line.
        return rss is { } bytes ? new MemoryReading(bytes, anon) : throw new FormatException("no VmRSS line in /proc/PID/status");
    }

    private static long Kilobytes(string field)
    {
        var parts = field.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && parts[1] == "kB"
            ? long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024
            : throw new FormatException($"'{field.Trim()}' is not a size in kB");
    }
}
