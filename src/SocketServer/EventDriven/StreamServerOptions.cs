using SocketServer.Sessions;
using SocketServer.Tls;

namespace SocketServer.EventDriven;

/// <summary>Socket and limit settings of the event-driven servers (<see cref="SelectServer"/>, <see cref="AsyncServer"/>).</summary>
public sealed class StreamServerOptions
{
    /// <summary>Set SO_REUSEADDR (only: never SO_REUSEPORT) so a restarted server can rebind a port in TIME_WAIT. Default true.</summary>
    public bool AllowReuseAddress { get; init; } = true;

    /// <summary>The listen backlog. Default 128.</summary>
    public int RequestQueueSize { get; init; } = 128;

    /// <summary>Connections served at once; the one past it gets <see cref="RejectionReply"/> and is closed. Default: no limit.</summary>
    public int MaxConnections { get; init; } = int.MaxValue;

    /// <summary>Bytes sent to a connection refused by the limit before it is closed. Default: none.</summary>
    public ReadOnlyMemory<byte> RejectionReply { get; init; }

    /// <summary>Idle and stall bounds of each connection. Default: none.</summary>
    public ConnectionTimeouts Timeouts { get; init; } = ConnectionTimeouts.None;

    /// <summary>
    /// Serve TLS with these options; plain TCP when null (the default). <see cref="AsyncServer"/> only:
    /// <see cref="SelectServer"/> refuses it (see <see cref="ServerTlsOptions"/>). The refusal reply is sent
    /// before any handshake, so a TLS client cannot read it; leave <see cref="RejectionReply"/> empty with TLS.
    /// </summary>
    public ServerTlsOptions? Tls { get; init; }
}
