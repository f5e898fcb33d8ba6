using Microsoft.Extensions.Logging;

namespace SharedList.Cli;

/// <summary>What <c>sharedlist serve</c> itself logs about stopping, each with its own id.</summary>
internal static partial class ServeLog
{
    [LoggerMessage(201, LogLevel.Information, "{Signal}: no new connections; serving connected clients until they leave")]
    public static partial void StopRequested(this ILogger logger, string signal);

    [LoggerMessage(202, LogLevel.Information, "Waiting for {Count} connected clients to leave, at most {Seconds} s")]
    public static partial void DrainingMany(this ILogger logger, int count, double seconds);

    [LoggerMessage(203, LogLevel.Information, "Server stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(204, LogLevel.Information, "Waiting for the connected client to leave, at most {Seconds} s")]
    public static partial void DrainingOne(this ILogger logger, double seconds);

    [LoggerMessage(205, LogLevel.Warning, "{Signal} again: closing every connection at once")]
    public static partial void AbortRequested(this ILogger logger, string signal);

    [LoggerMessage(206, LogLevel.Debug, "{Signal} again within a second: the same stop")]
    public static partial void RepeatIgnored(this ILogger logger, string signal);

    [LoggerMessage(207, LogLevel.Information, "Unknown command '{Command}': type EXIT (or quit) to stop the server")]
    public static partial void UnknownCommand(this ILogger logger, string command);

    /// <summary>Says whom the drain waits for; nothing when nobody is connected.</summary>
    public static void Draining(this ILogger logger, int count, double seconds)
    {
        if (count == 1)
        {
            logger.DrainingOne(seconds);
        }
        else if (count > 1)
        {
            logger.DrainingMany(count, seconds);
        }
    }
}
