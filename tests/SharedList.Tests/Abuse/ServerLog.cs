namespace SharedList.Tests.Abuse;

/// <summary>Reads the server's log (its stderr), one line per event.</summary>
internal static class ServerLog
{
    /// <summary>How many lines of <paramref name="log"/> contain <paramref name="text"/>.</summary>
    public static int Lines(string log, string text) => log.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));
}
