using System.Diagnostics;
using System.Globalization;

namespace SharedList.Bench.Measurement;

/// <summary>
/// Which cores a process may run on: read from <c>/proc/self/status</c> (<c>Cpus_allowed_list</c>), set with
/// <c>taskset</c> (util-linux), the tool an operator would use, so the pinning can be checked the same way.
/// </summary>
public static class CpuAffinity
{
    /// <summary>The path of taskset, or null when it is not installed (or not Linux).</summary>
    public static string? TasksetPath { get; } = OperatingSystem.IsLinux() ? FindOnPath("taskset") : null;

    /// <summary>Cores this process may run on now (after any pinning); <see cref="Environment.ProcessorCount"/> when unknown.</summary>
    public static int AllowedCores()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))
                {
                    return CountList(line["Cpus_allowed_list:".Length..]);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux, or /proc is not mounted: fall back below.
        }

        return Environment.ProcessorCount;
    }

    /// <summary>
    /// Pins every thread of this process to <paramref name="core"/> (<c>taskset -a -p -c CORE PID</c>); threads
    /// started later inherit it. False when taskset is missing or fails.
    /// </summary>
    public static bool PinSelf(int core)
    {
        if (TasksetPath is null)
        {
            return false;
        }

        var info = new ProcessStartInfo(TasksetPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-a", "-p", "-c", core.ToString(CultureInfo.InvariantCulture), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info);
        if (process is null)
        {
            return false;
        }

        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    /// <summary>The number of cores in a list such as <c>0-3,6,8-9</c>.</summary>
    internal static int CountList(string list)
    {
        var count = 0;
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            count += dash < 0 ? 1 : int.Parse(part[(dash + 1)..], CultureInfo.InvariantCulture) - int.Parse(part[..dash], CultureInfo.InvariantCulture) + 1;
        }

        return count > 0 ? count : throw new FormatException($"no cores in '{list}'");
    }

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? FindOnPath(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
