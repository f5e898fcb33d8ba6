namespace SocketServer.Dispatch;

/// <summary>
/// Starts a new thread for each request, as CPython's <c>ThreadingMixIn</c> does. Unbounded by design:
/// bound it with the server's connection limit, or use <see cref="WorkerPoolDispatcher"/>.
/// </summary>
public sealed class ThreadPerRequestDispatcher : IRequestDispatcher
{
    private readonly Lock _lock = new();
    private readonly HashSet<Thread> _threads = [];
    private long _started;

    /// <summary>
    /// When true (CPython's <c>daemon_threads</c>), request threads are background threads: they do not keep the
    /// process alive and <see cref="Close"/> does not wait for them. Default false.
    /// </summary>
    public bool DaemonThreads { get; init; }

    /// <summary>
    /// When true (the default, as CPython's <c>block_on_close</c>), <see cref="Close"/> waits for every
    /// non-daemon request thread to finish, so no request is cut off when the server closes.
    /// </summary>
    public bool BlockOnClose { get; init; } = true;

    /// <summary>Threads still running requests.</summary>
    public int RunningThreads
    {
        get
        {
            lock (_lock)
            {
                return _threads.Count;
            }
        }
    }

    /// <inheritdoc />
    public void Dispatch(Action request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Thread? thread = null;
        thread = new Thread(() =>
        {
            try
            {
                request();
            }
            finally
            {
                lock (_lock)
                {
                    _threads.Remove(thread!);
                }
            }
        })
        {
            IsBackground = DaemonThreads,
            Name = $"request-{Interlocked.Increment(ref _started)}",
        };
        lock (_lock)
        {
            _threads.Add(thread);
        }

        try
        {
            thread.Start();
        }
        catch
        {
            // Out of descriptors, .NET cannot start a thread (it needs a pipe) and throws OutOfMemoryException. A
            // thread that never started must not stay in the set: Close would Join it and throw ThreadStateException.
            lock (_lock)
            {
                _threads.Remove(thread);
            }

            throw;
        }
    }

    /// <inheritdoc />
    public void Close()
    {
        if (!BlockOnClose || DaemonThreads)
        {
            return;
        }

        Thread[] running;
        lock (_lock)
        {
            running = [.. _threads];
        }

        foreach (var thread in running)
        {
            thread.Join();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Close();
}
