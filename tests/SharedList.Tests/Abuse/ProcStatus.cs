using System.Globalization;

namespace SharedList.Tests.Abuse;

/// <summary>What Linux's <c>/proc</c> says about another process: resident memory and open descriptors.</summary>
internal static class ProcStatus
{
    /// <summary>VmRSS of <paramref name="pid"/>, in bytes.</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                // "VmRSS:     123456 kB"
                var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS line in /proc/{pid}/status");
    }

    /// <summary>How many sockets <paramref name="pid"/> has open (its other descriptors, such as the assemblies the runtime maps as it goes, are not counted).</summary>
    public static int OpenSockets(int pid) => Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
        .Count(path => new FileInfo(path).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    /// <summary>The highest descriptor number <paramref name="pid"/> has open (what RLIMIT_NOFILE is compared with).</summary>
    public static int HighestDescriptor(int pid) =>
        Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Max(path => int.Parse(Path.GetFileName(path), CultureInfo.InvariantCulture));
}
