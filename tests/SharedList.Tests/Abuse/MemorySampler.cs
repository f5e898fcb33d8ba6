namespace SharedList.Tests.Abuse;

/// <summary>
/// Samples a process's resident memory every 50 ms from the moment it is created, keeping the first value
/// (the baseline) and the highest one seen.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public MemorySampler(int pid)
    {
        _pid = pid;
        Baseline = ProcStatus.ResidentBytes(pid);
        _peak = Baseline;
        _loop = Task.Run(LoopAsync);
    }

    public long Baseline { get; }

    public long Peak
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!Sample())
            {
                return;
            }

            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // False once the process is gone.
    private bool Sample()
    {
        long rss;
        try
        {
            rss = ProcStatus.ResidentBytes(_pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return false;
        }

        long seen;
        while (rss > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, rss, seen) != seen)
        {
        }

        return true;
    }
}
