using System.Collections.Concurrent;

namespace SocketServer.Connections;

/// <summary>
/// Buffers lent to connections that have bytes in flight and taken back when they go idle, so that thousands of
/// idle connections share a handful. Keeps at most <paramref name="capacity"/> spare.
/// </summary>
/// <remarks>
/// Thread-safe when <paramref name="shared"/>; otherwise for one thread (an event loop's), which then pays no
/// atomic operation per rent and return.
/// </remarks>
internal sealed class ConnectionBuffersPool(int capacity, bool shared = true)
{
    private readonly ConcurrentQueue<ConnectionBuffers>? _sharedSpare = shared ? new() : null;
    private readonly Stack<ConnectionBuffers>? _spare = shared ? null : new();
    private int _spareCount;
    private int _lent;

    /// <summary>Buffers rented and not yet returned.</summary>
    public int Lent => Volatile.Read(ref _lent);

    public ConnectionBuffers Rent()
    {
        if (_spare is not null)
        {
            _lent++;
            return _spare.TryPop(out var mine) ? mine : new ConnectionBuffers();
        }

        Interlocked.Increment(ref _lent);
        if (_sharedSpare!.TryDequeue(out var buffers))
        {
            Interlocked.Decrement(ref _spareCount);
            return buffers;
        }

        return new ConnectionBuffers();
    }

    /// <summary>Forgets rented buffers that cannot be lent again (a send that failed may still hold them).</summary>
    public void Drop()
    {
        if (_spare is not null)
        {
            _lent--;
        }
        else
        {
            Interlocked.Decrement(ref _lent);
        }
    }

    public void Return(ConnectionBuffers buffers)
    {
        buffers.Reset();
        if (_spare is not null)
        {
            _lent--;
            if (_spare.Count < capacity)
            {
                _spare.Push(buffers);
            }

            return;
        }

        Interlocked.Decrement(ref _lent);
        if (Interlocked.Increment(ref _spareCount) <= capacity)
        {
            _sharedSpare!.Enqueue(buffers);
        }
        else
        {
            Interlocked.Decrement(ref _spareCount);
        }
    }
}
