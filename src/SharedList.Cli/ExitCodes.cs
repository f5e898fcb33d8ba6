namespace SharedList.Cli;

/// <summary><c>serve</c>'s exit codes, as README's "Exit codes" lists them.</summary>
internal static class ExitCodes
{
    /// <summary>Stopped as asked: every client left, or the rest were closed at the end of <c>--shutdown-timeout</c>.</summary>
    public const int Stopped = 0;

    /// <summary>Stopped at once by a second request (Ctrl+C, <c>EXIT</c>, a later SIGTERM), closing connected clients: 128 + SIGINT, as a shell reports Ctrl+C.</summary>
    public const int Aborted = 130;
}
