using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SocketServer.Core;

/// <summary>Every event a server logs, each with its own id, written once for every model.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Client {Client} connected (connection {ConnectionId})")]
    public static partial void ClientConnected(this ILogger logger, EndPoint client, long connectionId);

    [LoggerMessage(2, LogLevel.Information, "Client {Client} disconnected")]
    public static partial void ClientDisconnected(this ILogger logger, EndPoint client);

    [LoggerMessage(3, LogLevel.Warning, "Refused {Client}: the connection limit ({Limit}) is reached")]
    public static partial void ConnectionRefused(this ILogger logger, EndPoint client, int limit);

    [LoggerMessage(4, LogLevel.Warning, "Refused {Client}: the server's check refused it")]
    public static partial void ConnectionNotVerified(this ILogger logger, EndPoint client);

    [LoggerMessage(5, LogLevel.Information, "Closing {Client}: it {Reason} for {Seconds} s")]
    public static partial void ConnectionTimedOut(this ILogger logger, EndPoint client, string reason, double seconds);

    [LoggerMessage(6, LogLevel.Debug, "Connection from {Client} ended abruptly: {Reason}")]
    public static partial void ConnectionEndedAbruptly(this ILogger logger, EndPoint client, string reason);

    [LoggerMessage(7, LogLevel.Error, "Error while serving {Client}")]
    public static partial void ConnectionFailed(this ILogger logger, Exception exception, EndPoint client);

    [LoggerMessage(8, LogLevel.Error, "Accepting connections failed ({Error}: {Reason}); connected clients are still served, retrying every {Pause} ms")]
    public static partial void AcceptFailed(this ILogger logger, SocketError error, string reason, double pause);

    [LoggerMessage(9, LogLevel.Warning, "Accepting connections again after {Failures} failed attempt(s)")]
    public static partial void AcceptResumed(this ILogger logger, long failures);

    [LoggerMessage(10, LogLevel.Warning, "Drain time over; closing the connections still open: {Count}")]
    public static partial void DrainTimedOut(this ILogger logger, int count);

    [LoggerMessage(11, LogLevel.Warning, "Closing every connection at once, as asked; open: {Count}")]
    public static partial void Aborting(this ILogger logger, int count);

    [LoggerMessage(12, LogLevel.Critical, "The {Loop} failed; closing every connection")]
    public static partial void LoopFailed(this ILogger logger, Exception exception, string loop);

    [LoggerMessage(13, LogLevel.Error, "Cannot watch {Client}: {Reason}")]
    public static partial void CannotWatch(this ILogger logger, EndPoint client, string reason);

    [LoggerMessage(14, LogLevel.Critical, "An async readiness loop failed; ending its connections")]
    public static partial void ReactorFailed(this ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "Closed {Client}: it sent plain text to a TLS port (a client without TLS?)")]
    public static partial void PlainTextOnTls(this ILogger logger, EndPoint client);

    [LoggerMessage(16, LogLevel.Warning, "… and {Count} more plain-text clients on the TLS port in the last second")]
    public static partial void PlainTextOnTlsSkipped(this ILogger logger, long count);

    [LoggerMessage(17, LogLevel.Information, "Closed {Client}: {Reason}")]
    public static partial void TlsHandshakeFailed(this ILogger logger, EndPoint client, string reason);

    [LoggerMessage(18, LogLevel.Information, "… and {Count} more failed TLS handshakes in the last second")]
    public static partial void TlsHandshakeFailedSkipped(this ILogger logger, long count);

    [LoggerMessage(20, LogLevel.Warning, "Client {Client} has made no progress for {Seconds} s: {Description}")]
    public static partial void ConnectionStalled(this ILogger logger, EndPoint client, double seconds, string description);

    [LoggerMessage(21, LogLevel.Information, "Closing {Client}: it {Reason} for {Seconds} s: {Description}")]
    public static partial void ConnectionTimedOutDescribed(this ILogger logger, EndPoint client, string reason, double seconds, string description);

    [LoggerMessage(22, LogLevel.Information, "The {Loop} makes one system call per receive and send: the kernel refused an io_uring ({Reason})")]
    public static partial void IoUringRefused(this ILogger logger, string loop, string reason);

    /// <summary>A connection's failure at the level it deserves: a vanished peer is not a server error.</summary>
    public static void ConnectionError(this ILogger logger, EndPoint client, Exception exception)
    {
        if (Internal.SocketErrors.IsPeerGone(exception))
        {
            logger.ConnectionEndedAbruptly(client, exception.Message);
        }
        else
        {
            logger.ConnectionFailed(exception, client);
        }
    }
}
