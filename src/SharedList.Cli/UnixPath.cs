namespace SharedList.Cli;

/// <summary>What <c>--unix</c>'s errors say, the same for <c>serve</c> and <c>connect</c>.</summary>
internal static class UnixPath
{
    /// <summary>A path that does not exist: the system reports it (ENOENT) as an address not available.</summary>
    public const string NotFound = "no such directory";

    /// <summary>Why <see cref="System.Net.Sockets.UnixDomainSocketEndPoint"/> refused the path, in one line.</summary>
    public static string DescribeInvalid(ArgumentException e) => e is ArgumentOutOfRangeException
        ? "too long for a socket's path (108 bytes at most on Linux; choose a shorter one)"
        : e.Message.Split(Environment.NewLine)[0];
}
