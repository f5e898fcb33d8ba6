using System.Collections.Concurrent;
using System.IO.Pipelines;

namespace SocketServer.Internal;

/// <summary>
/// The input and output pipes of one connection while it has bytes in flight. Both run their continuations
/// inline and never pause the writer: one loop per connection drives both ends, so there is nothing to hand
/// over and nothing to wait for.
/// </summary>
internal sealed class PipePair
{
    private static readonly PipeOptions Options = new(
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0,
        useSynchronizationContext: false);

    public Pipe Input { get; } = new(Options);

    public Pipe Output { get; } = new(Options);

    /// <summary>Empties both pipes (their buffers go back to the pool) so another connection can take them.</summary>
    public void Reset()
    {
        Input.Reader.Complete();
        Input.Writer.Complete();
        Input.Reset();
        Output.Reader.Complete();
        Output.Writer.Complete();
        Output.Reset();
    }
}

/// <summary>
/// Pipe pairs lent to connections that have bytes in flight and taken back when they go idle, so that
/// thousands of idle connections share a handful of pairs. Keeps at most <paramref name="capacity"/> spare.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class PipePairPool(int capacity)
{
    private readonly ConcurrentQueue<PipePair> _spare = new();
    private int _spareCount;
    private int _lent;

    /// <summary>Pairs rented and not yet returned.</summary>
    public int Lent => Volatile.Read(ref _lent);

    public PipePair Rent()
    {
        Interlocked.Increment(ref _lent);
        if (_spare.TryDequeue(out var pair))
        {
            Interlocked.Decrement(ref _spareCount);
            return pair;
        }

        return new PipePair();
    }

    /// <summary>Forgets a rented pair that cannot be lent again (its connection failed mid-use).</summary>
    public void Drop() => Interlocked.Decrement(ref _lent);

    public void Return(PipePair pair)
    {
        Interlocked.Decrement(ref _lent);
        pair.Reset();
        if (Interlocked.Increment(ref _spareCount) <= capacity)
        {
            _spare.Enqueue(pair);
        }
        else
        {
            Interlocked.Decrement(ref _spareCount);
        }
    }
}
