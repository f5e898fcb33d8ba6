namespace SocketServer.Sessions;

/// <summary>How long a connection may hold the server without making progress. <see cref="TimeSpan.Zero"/> turns a bound off.</summary>
/// <param name="Idle">
/// A connection with nothing in flight (no partial message, no unsent reply) that sends nothing for this
/// long is closed. Off by default, as in Redis: idle clients cost only their buffers.
/// </param>
/// <param name="Stall">
/// A connection with something in flight that makes no progress for this long is closed: a message started
/// but not completed (a client dribbling one line forever), or replies the client does not read.
/// Progress is a complete message consumed or reply bytes taken by the client, not merely bytes received.
/// </param>
public sealed record ConnectionTimeouts(TimeSpan Idle, TimeSpan Stall)
{
    /// <summary>
    /// A connection with something in flight that has made no progress and moved no bytes for this long is reported
    /// once, before the <see cref="Stall"/> bound closes it, so the log can say what is wrong
    /// (<see cref="IStallDescriber"/>) while the client still waits. <see cref="TimeSpan.Zero"/> (the default) for
    /// never; so too when it is not shorter than <see cref="Stall"/>.
    /// </summary>
    public TimeSpan StallNotice { get; init; }

    /// <summary>No bounds at all: what CPython's socketserver does.</summary>
    public static ConnectionTimeouts None { get; } = new(TimeSpan.Zero, TimeSpan.Zero);
}
