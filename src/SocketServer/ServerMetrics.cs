namespace SocketServer;

/// <summary>
/// The names of the library's <see cref="System.Diagnostics.Metrics.Meter"/> and its instruments, for a listener
/// (OpenTelemetry's <c>AddMeter</c>, <c>dotnet-counters monitor --counters SocketServer</c>, a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>).
/// </summary>
/// <remarks>
/// Every instrument is observable: the servers count in plain per-core cells and the meter reads them when a
/// listener asks, so a server costs nothing more when nobody listens. Each measurement carries the tag
/// <see cref="ServerAddressTag"/>, one series per server that is bound and not yet closed.
/// </remarks>
public static class ServerMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "SocketServer";

    /// <summary>Connections open now (an up-down counter, <c>{connection}</c>).</summary>
    public const string ConnectionsCurrent = "socketserver.connections.current";

    /// <summary>Connections admitted since the server was bound (a counter, <c>{connection}</c>).</summary>
    public const string ConnectionsAccepted = "socketserver.connections.accepted";

    /// <summary>Connections refused, tagged <see cref="ReasonTag"/>: <c>limit</c>, <c>verify</c> or <c>reserve</c> (a counter, <c>{connection}</c>).</summary>
    public const string ConnectionsRefused = "socketserver.connections.refused";

    /// <summary>Bytes received on stream connections, after TLS decryption (a counter, <c>By</c>).</summary>
    public const string BytesReceived = "socketserver.bytes.received";

    /// <summary>Bytes sent on stream connections, before TLS encryption (a counter, <c>By</c>).</summary>
    public const string BytesSent = "socketserver.bytes.sent";

    /// <summary>
    /// Pauses the select and epoll models made under load so that their next round serves more connections, see
    /// <see cref="ServerOptions.CoalesceDelay"/> (a counter, <c>{pause}</c>).
    /// </summary>
    public const string CoalescingPauses = "socketserver.loop.coalescing_pauses";

    /// <summary>
    /// The time those pauses asked for, in seconds (a counter, <c>s</c>): its rate over
    /// <see cref="CoalescingPauses"/>'s is the average pause, which follows the load.
    /// </summary>
    public const string CoalescingPauseTime = "socketserver.loop.coalescing_pause_time";

    /// <summary>The tag naming the server: its bound address, as <c>127.0.0.1:7000</c> or a Unix socket's path.</summary>
    public const string ServerAddressTag = "server.address";

    /// <summary>The tag of <see cref="ConnectionsRefused"/>: why the connection was refused.</summary>
    public const string ReasonTag = "reason";
}
