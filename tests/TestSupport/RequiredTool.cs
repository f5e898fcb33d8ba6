using Xunit;

namespace TestSupport;

/// <summary>
/// A program from the machine that some tests run. A test calls <see cref="Require"/> first: without the
/// program it is reported as skipped, naming what is missing, never passed without having checked anything.
/// .ci/run installs each of these when it is missing.
/// </summary>
/// <param name="Name">The program as found on PATH.</param>
/// <param name="Packages">The Debian packages that install it.</param>
public sealed record RequiredTool(string Name, string Packages)
{
    /// <summary>CPython: the reference for <c>str(list)</c>, and the course's programs and reference servers.</summary>
    public static RequiredTool Python3 { get; } = new("python3", "python3");

    /// <summary>The C compiler (and libc headers) the bench builds its ceiling server with.</summary>
    public static RequiredTool Gcc { get; } = new("gcc", "gcc libc6-dev");

    /// <summary>Headless Chromium, which renders the bench's HTML report.</summary>
    public static RequiredTool Chromium { get; } = new("chromium", "chromium");

    /// <summary>util-linux's prlimit, which lowers a running server's open-file limit.</summary>
    public static RequiredTool Prlimit { get; } = new("prlimit", "util-linux");

    /// <summary>util-linux's mount, which makes a small tmpfs for a disk to fill (where the tests may mount).</summary>
    public static RequiredTool Mount { get; } = new("mount", "mount");

    /// <summary>util-linux's umount, which removes that tmpfs.</summary>
    public static RequiredTool Umount { get; } = new("umount", "mount");

    /// <summary>iproute2's ss, which shows a listening socket's backlog.</summary>
    public static RequiredTool Ss { get; } = new("ss", "iproute2");

    /// <summary>A real Redis server, against which the Redis store is tested besides Garnet hosted in the tests.</summary>
    public static RequiredTool RedisServer { get; } = new("redis-server", "redis-server");

    /// <summary>Redis's command-line client.</summary>
    public static RequiredTool RedisCli { get; } = new("redis-cli", "redis-tools");

    /// <summary>Redis's load generator, from the same package as redis-cli.</summary>
    public static RequiredTool RedisBenchmark { get; } = new("redis-benchmark", "redis-tools");

    /// <summary>The program's path on PATH, or null when it is not installed.</summary>
    public string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, Name))
            .FirstOrDefault(IsExecutable);

    /// <summary>
    /// The program's path; when it is not installed, skips the calling test with a reason that says so and
    /// what goes unchecked (<paramref name="unchecked"/>, e.g. "the report is not rendered").
    /// </summary>
    public string Require(string @unchecked)
    {
        var path = Find();
        if (path is null)
        {
            Assert.Skip($"{Name} is not installed: {@unchecked} (apt-get install {Packages}; .ci/run installs it)");
        }

        return path;
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
