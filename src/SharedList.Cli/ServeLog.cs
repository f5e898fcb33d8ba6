using Microsoft.Extensions.Logging;

namespace SharedList.Cli;

/// <summary>What <c>sharedlist serve</c> itself logs about stopping, each with its own id.</summary>
internal static partial class ServeLog
{
    [LoggerMessage(201, LogLevel.Information, "{Signal}: no new connections; serving connected clients until they leave")]
    public static partial void StopRequested(this ILogger logger, string signal);

    [LoggerMessage(202, LogLevel.Information, "Waiting for {Count} connected client(s), at most {Seconds} s")]
    public static partial void Draining(this ILogger logger, int count, double seconds);

    [LoggerMessage(203, LogLevel.Information, "Server stopped")]
    public static partial void Stopped(this ILogger logger);
}
