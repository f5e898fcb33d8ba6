using System.Collections.Concurrent;

namespace SocketServer.Dispatch;

/// <summary>
/// A fixed number of pre-started worker threads take requests from a queue: the slides' answer to
/// "creating threads on demand can exhaust the server". Threads are bounded by construction; requests
/// beyond the workers wait in the queue (bound the queue with the server's connection limit).
/// </summary>
public sealed class WorkerPoolDispatcher : IRequestDispatcher
{
    private readonly BlockingCollection<Action> _queue = [];
    private readonly Thread[] _workers;
    private int _busy;
    private int _closed;

    /// <summary>Starts <paramref name="workers"/> named background threads that wait for requests.</summary>
    public WorkerPoolDispatcher(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _workers = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"pool-worker-{i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>How many worker threads the pool has.</summary>
    public int Workers => _workers.Length;

    /// <summary>Workers handling a request right now.</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Requests waiting for a free worker.</summary>
    public int Queued => _queue.Count;

    /// <inheritdoc />
    public void Dispatch(Action request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _queue.Add(request);
    }

    /// <summary>Lets the workers finish what is queued, then waits for them to exit.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _queue.CompleteAdding();
        foreach (var worker in _workers)
        {
            worker.Join();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Close();
        _queue.Dispose();
    }

    private void Work()
    {
        foreach (var request in _queue.GetConsumingEnumerable())
        {
            Interlocked.Increment(ref _busy);
            try
            {
                request();
            }
            finally
            {
                Interlocked.Decrement(ref _busy);
            }
        }
    }
}
