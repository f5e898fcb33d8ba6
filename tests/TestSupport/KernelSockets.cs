using System.Globalization;

namespace TestSupport;

/// <summary>The kernel's table of IPv4 TCP sockets (<c>/proc/net/tcp</c>), for states a test cannot see from its sockets.</summary>
public static class KernelSockets
{
    /// <summary>TIME_WAIT, as /proc/net/tcp writes it.</summary>
    public const string TimeWait = "06";

    /// <summary>LISTEN, as /proc/net/tcp writes it.</summary>
    public const string Listen = "0A";

    /// <summary>Whether a socket on local port <paramref name="port"/> is in <paramref name="state"/>.</summary>
    public static bool Any(int port, string state) =>
        // Each line: "sl local_address rem_address st …", addresses as hex IP:PORT.
        File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => int.Parse(fields[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port && fields[3] == state);
}
