using System.Net.Sockets;
using SocketServer.Core;

namespace SocketServer.Handlers;

/// <summary>
/// A handler for a connected stream (CPython's <c>StreamRequestHandler</c>): <see cref="Connection"/> is
/// the stream to read and write: a <see cref="NetworkStream"/> over <see cref="BaseRequestHandler.Request"/>, or
/// the TLS stream when the server serves TLS (<see cref="ServerOptions.Tls"/>).
/// </summary>
public abstract class StreamRequestHandler : BaseRequestHandler
{
    /// <summary>
    /// Receive and send timeout applied in <see cref="Setup"/> (CPython's <c>timeout</c>); null waits forever.
    /// A timed-out read throws <see cref="IOException"/>, which ends the request.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Sets TCP_NODELAY so small replies go out at once (CPython's <c>disable_nagle_algorithm</c>); a Unix socket has no such delay.</summary>
    public bool DisableNagleAlgorithm { get; init; }

    /// <summary>The connection as a stream (TLS when the server serves it); the server owns it and the socket.</summary>
    protected Stream Connection { get; private set; } = null!;

    /// <inheritdoc />
    public override void Setup()
    {
        if (Timeout is { } timeout)
        {
            Request.ReceiveTimeout = Request.SendTimeout = (int)timeout.TotalMilliseconds;
        }

        if (DisableNagleAlgorithm)
        {
            Listener.DisableNagle(Request);
        }

        Connection = Tls ?? (Stream)new NetworkStream(Request, ownsSocket: false);
    }

    /// <inheritdoc />
    public override void Finish()
    {
        if (Connection is NetworkStream plain)
        {
            plain.Dispose();
        }
    }
}
