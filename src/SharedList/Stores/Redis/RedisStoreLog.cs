using Microsoft.Extensions.Logging;

namespace SharedList.Stores.Redis;

/// <summary>The Redis store's log events: one line when the server goes away, one when it is back.</summary>
internal static partial class RedisStoreLog
{
    [LoggerMessage(130, LogLevel.Warning, "Redis at {Address} is unreachable ({Detail}): requests are answered 'ERR store unavailable' until it is back")]
    public static partial void Unreachable(ILogger logger, string address, string detail);

    [LoggerMessage(131, LogLevel.Information, "Redis at {Address} is reachable again: serving resumes")]
    public static partial void Reachable(ILogger logger, string address);

    [LoggerMessage(132, LogLevel.Warning, "Redis at {Address} is unreachable at start-up: starting anyway; requests are answered 'ERR store unavailable' until it answers")]
    public static partial void UnreachableAtStart(ILogger logger, string address);
}
