using System.Collections.Concurrent;

namespace SocketServer.Internal;

/// <summary>
/// The input and output buffers of one <see cref="EventDriven.AsyncServer"/> connection while it has bytes in
/// flight: received bytes the session has not consumed, and replies not yet sent.
/// </summary>
/// <remarks>
/// Why not a pair of <see cref="System.IO.Pipelines.Pipe"/>s: a pipe locks on every write, read and advance,
/// since its reader and writer may be on different threads. Here one connection's loop alone uses both
/// buffers, one burst at a time, so the locks bought nothing; on the hot path they cost a monitor enter and
/// exit per reply (docs/BENCHMARKS.md, "Where we are behind, and why").
/// </remarks>
internal sealed class ConnectionBuffers
{
    // A pooled buffer grown past these (a long message, a LIST reply's chunk of the output budget) is replaced
    // when it comes back, so the pool does not keep what one unusual connection needed.
    private const int RetainedInput = 64 * 1024;
    private const int RetainedOutput = 256 * 1024;

    public InputBuffer Input { get; private set; } = new();

    public OutputBuffer Output { get; } = new(RetainedOutput);

    /// <summary>Empties both buffers so another connection can take them.</summary>
    public void Reset()
    {
        Input.Clear();
        if (Input.Capacity > RetainedInput)
        {
            Input = new InputBuffer();
        }

        Output.Clear();
    }
}

/// <summary>
/// Buffers lent to connections that have bytes in flight and taken back when they go idle, so that thousands
/// of idle connections share a handful. Keeps at most <paramref name="capacity"/> spare.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class ConnectionBuffersPool(int capacity)
{
    private readonly ConcurrentQueue<ConnectionBuffers> _spare = new();
    private int _spareCount;
    private int _lent;

    /// <summary>Buffers rented and not yet returned.</summary>
    public int Lent => Volatile.Read(ref _lent);

    public ConnectionBuffers Rent()
    {
        Interlocked.Increment(ref _lent);
        if (_spare.TryDequeue(out var buffers))
        {
            Interlocked.Decrement(ref _spareCount);
            return buffers;
        }

        return new ConnectionBuffers();
    }

    /// <summary>Forgets rented buffers that cannot be lent again (their connection failed mid-send).</summary>
    public void Drop() => Interlocked.Decrement(ref _lent);

    public void Return(ConnectionBuffers buffers)
    {
        Interlocked.Decrement(ref _lent);
        buffers.Reset();
        if (Interlocked.Increment(ref _spareCount) <= capacity)
        {
            _spare.Enqueue(buffers);
        }
        else
        {
            Interlocked.Decrement(ref _spareCount);
        }
    }
}
