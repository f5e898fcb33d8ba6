using System.Net;
using Microsoft.Extensions.Logging;

namespace SharedList.Service;

/// <summary>Every event a shared-list session logs, each with its own id. Never a password, right or wrong.</summary>
internal static partial class SessionLog
{
    [LoggerMessage(101, LogLevel.Warning, "Connection {ConnectionId} from {RemoteEndPoint}: message over {MaxMessageBytes} bytes, closing")]
    public static partial void MessageTooLong(this ILogger logger, long connectionId, EndPoint remoteEndPoint, int maxMessageBytes);

    [LoggerMessage(102, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint}: {Length}-byte request refused, not authenticated")]
    public static partial void NotAuthenticated(this ILogger logger, long connectionId, EndPoint remoteEndPoint, int length);

    [LoggerMessage(103, LogLevel.Warning, "Connection {ConnectionId} from {RemoteEndPoint}: {Length}-byte message is not valid UTF-8")]
    public static partial void InvalidUtf8(this ILogger logger, long connectionId, EndPoint remoteEndPoint, int length);

    [LoggerMessage(104, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint}: request AUTH ***, no password is set")]
    public static partial void AuthWithoutPassword(this ILogger logger, long connectionId, EndPoint remoteEndPoint);

    [LoggerMessage(105, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint}: request AUTH ***, authenticated")]
    public static partial void Authenticated(this ILogger logger, long connectionId, EndPoint remoteEndPoint);

    [LoggerMessage(106, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint}: request AUTH ***, wrong password ({Failures} of {MaxFailures})")]
    public static partial void WrongPassword(this ILogger logger, long connectionId, EndPoint remoteEndPoint, int failures, int maxFailures);

    [LoggerMessage(107, LogLevel.Warning, "Connection {ConnectionId} from {RemoteEndPoint}: {Failures} wrong passwords, closing")]
    public static partial void TooManyWrongPasswords(this ILogger logger, long connectionId, EndPoint remoteEndPoint, int failures);

    [LoggerMessage(108, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint}: request {Request}, lista= {List}")]
    public static partial void Request(this ILogger logger, long connectionId, EndPoint remoteEndPoint, string request, string list);

    [LoggerMessage(109, LogLevel.Information, "{RemoteEndPoint}: {Request} -> lista= {List}")]
    public static partial void Changed(this ILogger logger, EndPoint remoteEndPoint, string request, string list);

    [LoggerMessage(110, LogLevel.Warning, "… and {Count} more messages over the size limit in the last second")]
    public static partial void MessageTooLongSkipped(this ILogger logger, long count);

    [LoggerMessage(111, LogLevel.Warning, "… and {Count} more messages of invalid UTF-8 in the last second")]
    public static partial void InvalidUtf8Skipped(this ILogger logger, long count);

    // Debug: the store logs the failure itself, once, rather than once per request it fails.
    [LoggerMessage(112, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint}: store unavailable ({Reason})")]
    public static partial void StoreUnavailable(this ILogger logger, long connectionId, EndPoint remoteEndPoint, string? reason);

    [LoggerMessage(113, LogLevel.Debug, "Connection {ConnectionId} from {RemoteEndPoint}: Redis protocol error ({Error}), closing")]
    public static partial void RespProtocolError(this ILogger logger, long connectionId, EndPoint remoteEndPoint, string? error);
}
