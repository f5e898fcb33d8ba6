using SocketServer.Diagnostics;

namespace SocketServer.Core;

/// <summary>What one server counts for <see cref="ServerMeter"/>: admissions and refusals (rare, plain atomic adds) and bytes (per core, on the hot path).</summary>
/// <remarks>Threading: every member may be called from any thread.</remarks>
internal sealed class ServerCounters
{
    private const int Received = 0;
    private const int Sent = 1;

    private readonly StripedCounters _bytes = new(2);
    private long _accepted;
    private long _refusedLimit;
    private long _refusedVerify;
    private long _refusedReserve;
    private long _coalescingPauses;
    private long _coalescingPauseTicks;

    public long Accepted => Volatile.Read(ref _accepted);

    public long RefusedLimit => Volatile.Read(ref _refusedLimit);

    public long RefusedVerify => Volatile.Read(ref _refusedVerify);

    public long RefusedReserve => Volatile.Read(ref _refusedReserve);

    public long CoalescingPauses => Volatile.Read(ref _coalescingPauses);

    public TimeSpan CoalescingPauseTime => TimeSpan.FromTicks(Volatile.Read(ref _coalescingPauseTicks));

    public long BytesReceived => _bytes.Read(Received);

    public long BytesSent => _bytes.Read(Sent);

    public void CountAccepted() => Interlocked.Increment(ref _accepted);

    public void CountRefusedLimit() => Interlocked.Increment(ref _refusedLimit);

    public void CountRefusedVerify() => Interlocked.Increment(ref _refusedVerify);

    public void CountRefusedReserve() => Interlocked.Increment(ref _refusedReserve);

    public void CountCoalescingPause(TimeSpan pause)
    {
        Interlocked.Increment(ref _coalescingPauses);
        Interlocked.Add(ref _coalescingPauseTicks, pause.Ticks);
    }

    public void CountReceived(int count) => _bytes.Add(Received, count);

    public void CountSent(int count) => _bytes.Add(Sent, count);
}
