using System.Collections.Concurrent;

namespace SocketServer.Connections;

/// <summary>
/// Input and output buffers lent to connections while they have bytes in flight and taken back as soon as they
/// are empty, so that thousands of idle connections share a handful. The two are lent apart: a connection whose
/// input was all consumed gives its input buffer back at once, and the next one takes the same, while it still
/// holds its replies. Keeps at most <paramref name="capacity"/> spare of each.
/// </summary>
/// <remarks>
/// Thread-safe when <paramref name="shared"/>; otherwise for one thread (an event loop's), which then pays no
/// atomic operation per rent and return.
/// </remarks>
internal sealed class ConnectionBuffersPool(int capacity, bool shared = true)
{
    // A buffer grown past these (a long message, a LIST reply's chunk of the output budget) is not kept when it
    // comes back, so the pool does not keep what one unusual connection needed.
    private const int RetainedInput = 64 * 1024;
    private const int RetainedOutput = 256 * 1024;

    private readonly Spares<InputBuffer> _inputs = new(capacity, shared);
    private readonly Spares<OutputBuffer> _outputs = new(capacity, shared);

    /// <summary>Buffers rented and not yet returned, of both kinds.</summary>
    public int Lent => _inputs.Lent + _outputs.Lent;

    public InputBuffer RentInput() => _inputs.Rent() ?? new InputBuffer();

    public OutputBuffer RentOutput() => _outputs.Rent() ?? new OutputBuffer(RetainedOutput);

    public void Return(InputBuffer input)
    {
        input.Clear();
        _inputs.Return(input.Capacity > RetainedInput ? null : input);
    }

    public void Return(OutputBuffer output)
    {
        output.Clear();
        _outputs.Return(output);
    }

    /// <summary>Forgets a rented output buffer that cannot be lent again (a send that failed may still hold it).</summary>
    public void Drop(OutputBuffer output) => _outputs.Return(null);

    // One kind's spares, and how many of that kind are out.
    private sealed class Spares<T>(int capacity, bool shared)
        where T : class
    {
        private readonly ConcurrentQueue<T>? _sharedSpare = shared ? new() : null;
        private readonly Stack<T>? _spare = shared ? null : new();
        private int _spareCount;
        private int _lent;

        public int Lent => Volatile.Read(ref _lent);

        public T? Rent()
        {
            if (_spare is not null)
            {
                _lent++;
                return _spare.TryPop(out var mine) ? mine : null;
            }

            Interlocked.Increment(ref _lent);
            if (_sharedSpare!.TryDequeue(out var item))
            {
                Interlocked.Decrement(ref _spareCount);
                return item;
            }

            return null;
        }

        // Null: one was rented and is not coming back.
        public void Return(T? item)
        {
            if (_spare is not null)
            {
                _lent--;
                if (item is not null && _spare.Count < capacity)
                {
                    _spare.Push(item);
                }

                return;
            }

            Interlocked.Decrement(ref _lent);
            if (item is null)
            {
                return;
            }

            if (Interlocked.Increment(ref _spareCount) <= capacity)
            {
                _sharedSpare!.Enqueue(item);
            }
            else
            {
                Interlocked.Decrement(ref _spareCount);
            }
        }
    }
}
