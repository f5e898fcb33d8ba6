using System.Net;

namespace SocketServer;

/// <summary>
/// The lifecycle every server model shares, so a host runs any of them the same way: bind in the constructor
/// (throws on failure) → <see cref="Start"/> or <see cref="ServeForeverAsync"/> → <see cref="StopAsync"/> or
/// <see cref="Abort"/> → dispose. docs/SOCKETSERVER.md tells what each does to connected clients.
/// </summary>
public interface IServer : IDisposable
{
    /// <summary>The address actually bound (the real port when port 0 was asked for).</summary>
    EndPoint LocalEndPoint { get; }

    /// <summary>Connections open right now (0 for datagram servers).</summary>
    int ActiveConnections { get; }

    /// <summary>Starts serving on the server's own thread(s) and returns at once.</summary>
    void Start();

    /// <summary>
    /// Serves until <paramref name="cancellationToken"/> fires, then stops taking new requests and completes;
    /// connected clients are left to <see cref="StopAsync"/>, <see cref="Abort"/> or dispose.
    /// </summary>
    Task ServeForeverAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops accepting at once, keeps serving connected clients until they leave, aborts those still
    /// connected after <paramref name="drainTimeout"/> (or as soon as <paramref name="abortNow"/> fires),
    /// then releases everything. Safe to call more than once; later calls wait for the first.
    /// </summary>
    Task StopAsync(TimeSpan drainTimeout, CancellationToken abortNow = default);

    /// <summary>Ends every connection at once and releases the server.</summary>
    void Abort();
}
