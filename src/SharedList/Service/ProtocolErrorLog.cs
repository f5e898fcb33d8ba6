using Microsoft.Extensions.Logging;
using SocketServer.Sessions;

namespace SharedList.Service;

/// <summary>
/// The protocol errors a client can cause at will (a message too long, invalid UTF-8), logged where an operator sees
/// them, with the client's address, but at most <see cref="LogThrottle.DefaultPerSecond"/> lines a second per kind.
/// </summary>
/// <remarks>Thread-safe: one per session factory, shared by every session of a server.</remarks>
internal sealed class ProtocolErrorLog
{
    private readonly ILogger _logger;
    private readonly LogThrottle _tooLong;
    private readonly LogThrottle _invalidUtf8;

    public ProtocolErrorLog(ILogger logger)
    {
        _logger = logger;
        _tooLong = new LogThrottle(skipped => logger.MessageTooLongSkipped(skipped));
        _invalidUtf8 = new LogThrottle(skipped => logger.InvalidUtf8Skipped(skipped));
    }

    public void MessageTooLong(ConnectionContext connection, int maxMessageBytes)
    {
        if (_logger.IsEnabled(LogLevel.Warning) && _tooLong.TryLog())
        {
            _logger.MessageTooLong(connection.Id, connection.RemoteEndPoint, maxMessageBytes);
        }
    }

    public void InvalidUtf8(ConnectionContext connection, int length)
    {
        if (_logger.IsEnabled(LogLevel.Warning) && _invalidUtf8.TryLog())
        {
            _logger.InvalidUtf8(connection.Id, connection.RemoteEndPoint, length);
        }
    }
}
