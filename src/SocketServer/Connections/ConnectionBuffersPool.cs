using System.Collections.Concurrent;

namespace SocketServer.Connections;

/// <summary>
/// Buffers lent to connections that have bytes in flight and taken back when they go idle, so that thousands of
/// idle connections share a handful. Keeps at most <paramref name="capacity"/> spare.
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

    /// <summary>Forgets rented buffers that cannot be lent again (a send that failed may still hold them).</summary>
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
