namespace SharedList.Bench.Load;

/// <summary>
/// Drives the closed loops of every connection of one point. Lifetime: <see cref="Start"/> connects and starts
/// writing (the warm-up); the runner moves <see cref="LoadControl.Phase"/> to measure, then to done;
/// <see cref="Finished"/> completes once every connection has its replies or the drain timed out; then
/// <see cref="Stats"/> holds the merged counts. <see cref="Dispose()"/> closes every socket at once.
/// </summary>
public abstract class LoadEngine : IDisposable
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _settled;
    private int _done;

    protected LoadEngine(LoadOptions options, LoadControl control)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Connections, 1);
        Options = options;
        Control = control;
        Plan = RequestPlan.Create(options.Protocol, options.Mix, options.Pipeline, options.PayloadBytes, options.Key);
    }

    public LoadOptions Options { get; }

    public LoadControl Control { get; }

    protected RequestPlan Plan { get; }

    /// <summary>Completes when every connection has connected or failed to.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes when the run is done and every connection has finished.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Replies so far, every phase; read while the run goes on, for progress.</summary>
    public abstract long Completed { get; }

    /// <summary>Connections answered at least once, or failed, so far; read while the run goes on.</summary>
    public abstract long RampedUp { get; }

    /// <summary>The merged counts; complete once <see cref="Finished"/> has.</summary>
    public abstract LoadStats Stats { get; }

    /// <summary>Creates the engine of <see cref="LoadOptions.Engine"/>.</summary>
    public static LoadEngine Create(LoadOptions options, LoadControl control)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Engine == LoadEngineKind.Epoll && OperatingSystem.IsLinux()
            ? new EpollEngine(options, control)
            : new AsyncEngine(options, control);
    }

    /// <summary>Connects every connection and starts the loops.</summary>
    public abstract void Start();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    protected ReplyScanner NewScanner() => Options.Protocol == LoadProtocol.Line ? new LineReplyScanner() : new Resp.RespReplyScanner();

    /// <summary>One connection has connected or given up.</summary>
    protected void OnSettled()
    {
        if (Interlocked.Increment(ref _settled) == Options.Connections)
        {
            _connected.TrySetResult();
        }
    }

    /// <summary>One unit of work (a thread, a connection) has finished; <paramref name="units"/> in all.</summary>
    protected void OnDone(int units)
    {
        if (Interlocked.Increment(ref _done) == units)
        {
            _connected.TrySetResult();
            _finished.TrySetResult();
        }
    }

    /// <summary>The engine failed as a whole.</summary>
    protected void OnFault(Exception error)
    {
        _connected.TrySetException(error);
        _finished.TrySetException(error);
    }
}
