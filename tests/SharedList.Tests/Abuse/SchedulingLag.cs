using System.Diagnostics;

namespace SharedList.Tests.Abuse;

/// <summary>
/// Measures how late this (the test) process runs a 10 ms timer: when the load generator itself is
/// starved of CPU, a slow reply may be its own fault, not the server's. Reported next to the latencies.
/// </summary>
internal sealed class SchedulingLag : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _maxLagTicks;

    public SchedulingLag() => _loop = Task.Run(LoopAsync);

    public TimeSpan Max => TimeSpan.FromTicks(Interlocked.Read(ref _maxLagTicks));

    public void Reset() => Interlocked.Exchange(ref _maxLagTicks, 0);

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
            var started = Stopwatch.GetTimestamp();
            try
            {
                await Task.Delay(Tick, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var lag = (Stopwatch.GetElapsedTime(started) - Tick).Ticks;
            long seen;
            while (lag > (seen = Interlocked.Read(ref _maxLagTicks)) && Interlocked.CompareExchange(ref _maxLagTicks, lag, seen) != seen)
            {
            }
        }
    }
}
