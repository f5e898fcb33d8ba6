namespace SocketServer.Dispatch;

/// <summary>
/// Starts a new thread for each request, as CPython's <c>ThreadingMixIn</c> does. Unbounded by design:
/// bound it with the server's connection limit, or use <see cref="WorkerPoolDispatcher"/>.
/// </summary>
/// <remarks>
/// <para>A thread start waits until the new thread is first scheduled, which on a busy core takes long enough
/// for the server's loop to fall behind (docs/ARCHITECTURE.md). With <see cref="SpareThreads"/>, threads are
/// started ahead and wait: a request is handed to one at once, and that thread starts its own replacement before it
/// runs the request, so the starts happen on the request threads instead of one by one on the loop. Each request
/// still gets a thread of its own, which ends with it.</para>
/// </remarks>
public sealed class ThreadPerRequestDispatcher : IRequestDispatcher
{
    private readonly Lock _lock = new();
    private readonly HashSet<Thread> _threads = [];
    private readonly Stack<SpareThread> _idle = new();
    private int _sparesStarting;
    private long _started;
    private bool _closed;

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

    /// <summary>
    /// Threads to keep started and waiting for a request (see the remarks). Default 0: every thread is started by
    /// <see cref="Dispatch"/>, as in CPython. Waiting threads are background threads until they take a request.
    /// </summary>
    public int SpareThreads
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

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

    /// <summary>Spare threads started and waiting for a request.</summary>
    public int IdleSpareThreads
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count;
            }
        }
    }

    /// <inheritdoc />
    public void Dispatch(Action request)
    {
        ArgumentNullException.ThrowIfNull(request);
        SpareThread? spare;
        bool reseed;
        lock (_lock)
        {
            if (_idle.TryPop(out spare))
            {
                _threads.Add(spare.Thread);
            }

            // No spare is on its way (none yet, or a start failed): start the chain again.
            reseed = SpareThreads > 0 && _sparesStarting == 0 && _idle.Count == 0;
        }

        if (spare is not null)
        {
            spare.Run(request);
            return;
        }

        StartRequestThread(request);
        if (reseed)
        {
            StartSpare();
        }
    }

    /// <inheritdoc />
    public void Close()
    {
        SpareThread[] idle;
        lock (_lock)
        {
            _closed = true;
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var spare in idle)
        {
            spare.Run(null);
        }

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

    private void StartRequestThread(Action request)
    {
        Thread? thread = null;
        thread = new Thread(() => RunRequest(thread!, request))
        {
            IsBackground = DaemonThreads,
            Name = NextName(),
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

    private void RunRequest(Thread thread, Action request)
    {
        try
        {
            request();
        }
        finally
        {
            lock (_lock)
            {
                _threads.Remove(thread);
            }
        }
    }

    // Starts one spare when there are fewer, counting those on their way, than SpareThreads; a spare that starts
    // calls this again, so one call fills the set one thread after another.
    private void StartSpare()
    {
        lock (_lock)
        {
            if (_closed || _idle.Count + _sparesStarting >= SpareThreads)
            {
                return;
            }

            _sparesStarting++;
        }

        var spare = new SpareThread();
        var thread = new Thread(() => RunSpare(spare)) { IsBackground = true, Name = NextName() };
        spare.Thread = thread;
        try
        {
            thread.Start();
        }
        catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
        {
            // Out of descriptors (see StartRequestThread): fewer spares; Dispatch starts threads itself meanwhile.
            lock (_lock)
            {
                _sparesStarting--;
            }
        }
    }

    private void RunSpare(SpareThread spare)
    {
        lock (_lock)
        {
            _sparesStarting--;
            if (_closed)
            {
                return;
            }

            _idle.Push(spare);
        }

        StartSpare();
        if (spare.WaitForRequest() is not { } request)
        {
            return;
        }

        Thread.CurrentThread.IsBackground = DaemonThreads;

        // The replacement's start waits for it to be scheduled: paid here, by this request, not by the server's loop.
        StartSpare();
        RunRequest(spare.Thread, request);
    }

    private string NextName() => $"request-{Interlocked.Increment(ref _started)}";

    // A started thread waiting for the one request it will run, or for null when the dispatcher closes.
    private sealed class SpareThread
    {
        private readonly object _gate = new();
        private bool _handed;
        private Action? _request;

        public Thread Thread { get; set; } = null!;

        public void Run(Action? request)
        {
            lock (_gate)
            {
                _request = request;
                _handed = true;
                Monitor.Pulse(_gate);
            }
        }

        public Action? WaitForRequest()
        {
            lock (_gate)
            {
                while (!_handed)
                {
                    Monitor.Wait(_gate);
                }

                return _request;
            }
        }
    }
}
