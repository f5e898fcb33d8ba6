using SocketServer.Tls;

namespace SocketServer;

/// <summary>
/// The settings of every TCP server, whatever its model: the listening socket, the connection limit, the
/// connection timeouts and TLS. One set of defaults, the ones <c>sharedlist serve</c> uses, but for
/// <see cref="AllowReuseAddress"/>, which is off as in CPython.
/// </summary>
/// <remarks>Immutable: one instance may serve any number of servers.</remarks>
public sealed record ServerOptions
{
    /// <summary>The longest <see cref="CoalesceDelay"/>: a pause of more would be a latency of its own.</summary>
    public static TimeSpan MaxCoalesceDelay { get; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The defaults.</summary>
    public static ServerOptions Default { get; } = new();

    /// <summary>
    /// Set SO_REUSEADDR (and never SO_REUSEPORT) before binding, so a restarted server can bind a port that still
    /// has connections in TIME_WAIT. Default false, as CPython's <c>allow_reuse_address</c>.
    /// </summary>
    public bool AllowReuseAddress { get; init; }

    /// <summary>
    /// Set SO_REUSEPORT before binding, so several processes can listen on one port and the kernel spreads new
    /// connections among them (CPython's <c>allow_reuse_port</c>). Only for servers that share their state elsewhere:
    /// processes share no memory. Default false. Linux only.
    /// </summary>
    public bool AllowReusePort { get; init; }

    /// <summary>
    /// Let the epoll model submit each round's receives, and then its sends, through one io_uring, one system call
    /// for all of them, instead of one call each (Linux 5.6 or later). Default true; where the kernel refuses a ring
    /// (an old kernel, <c>kernel.io_uring_disabled</c>, a container's seccomp profile) the loop says so in its log and
    /// makes one call each. Other models ignore it.
    /// </summary>
    public bool UseIoUring { get; init; } = true;

    /// <summary>
    /// The longest pause the select and epoll models make, under load, after a round that served fewer than 8
    /// connections, so that the next round serves more for one wake-up (as a NIC's adaptive interrupt moderation).
    /// Each tick of the loop's clock (a millisecond or more) sets the next pauses from the last tick's traffic: long
    /// enough to gather 16 connections, at most a quarter of the time between one client's requests, and at most
    /// this. It engages only while such a pause would gather a connection or more and last 50 µs or more: one
    /// client, a few fast ones, or a quiet server never wait, and a request waits at most this long more. Default
    /// 150 µs; <see cref="TimeSpan.Zero"/> turns it off; at most <see cref="MaxCoalesceDelay"/>. Linux only; other
    /// models ignore it.
    /// </summary>
    public TimeSpan CoalesceDelay
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxCoalesceDelay);
            field = value;
        }
    } = TimeSpan.FromMicroseconds(150);

    /// <summary>
    /// The listen backlog (CPython's <c>request_queue_size</c>): connections the kernel queues before they are
    /// accepted; it caps the value at <c>net.core.somaxconn</c>. Default 511, as Redis and nginx: CPython's 5 drops
    /// connections in a burst, and a dropped SYN is retried a second later.
    /// </summary>
    public int Backlog
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 511;

    /// <summary>
    /// Connections served at once; the one past it is sent <see cref="RejectionReply"/> and closed. Default 10,000,
    /// as Redis's <c>maxclients</c>.
    /// </summary>
    public int MaxConnections
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 10_000;

    /// <summary>
    /// Bytes sent to a connection refused by <see cref="MaxConnections"/> before it is closed. Default none. With
    /// <see cref="Tls"/> it would go out before the handshake, where a client cannot read it, so it is not sent.
    /// </summary>
    public ReadOnlyMemory<byte> RejectionReply { get; init; }

    /// <summary>
    /// A connection that neither sends nor reads anything for this long is closed, whether or not it left a message
    /// unfinished or replies unread. <see cref="TimeSpan.Zero"/> (the default) turns it off, as in Redis: an idle
    /// client costs only its socket.
    /// </summary>
    public TimeSpan IdleTimeout
    {
        get;
        init => field = Timeout(value);
    }

    /// <summary>
    /// A connection with a message unfinished or replies unread that makes no progress (a message completed, reply
    /// bytes taken) for this long is closed: a client dribbling one line forever, or one that never reads.
    /// <see cref="TimeSpan.Zero"/> turns it off. Default 30 s.
    /// </summary>
    public TimeSpan StallTimeout
    {
        get;
        init => field = Timeout(value);
    } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A connection with a message unfinished or replies unread that has made no progress and moved no bytes for this
    /// long is logged once, as a warning, when its session can say why (<see cref="Sessions.IStallDescriber"/>): a
    /// client that speaks another framing would otherwise wait in silence until <see cref="StallTimeout"/>. Applies
    /// only when shorter than <see cref="StallTimeout"/>; <see cref="TimeSpan.Zero"/> turns it off. Default 2 s.
    /// </summary>
    public TimeSpan StallNotice
    {
        get;
        init => field = Timeout(value);
    } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Serve TLS with these options; plain TCP when null (the default). Not every model can: see
    /// <see cref="ServerModels.SupportsTls"/>.
    /// </summary>
    public ServerTlsOptions? Tls { get; init; }

    /// <summary>Worker threads of <see cref="ServerModel.Pool"/>; the other models ignore it. Default 16.</summary>
    public int PoolWorkers
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 16;

    /// <summary>The idle and stall bounds and the stall notice together.</summary>
    internal Sessions.ConnectionTimeouts Timeouts => new(IdleTimeout, StallTimeout) { StallNotice = StallNotice };

    private static TimeSpan Timeout(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromMilliseconds(int.MaxValue));
        return value;
    }
}
