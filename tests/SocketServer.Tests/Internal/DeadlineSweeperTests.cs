using SocketServer.Internal;

namespace SocketServer.Tests.Internal;

public sealed class DeadlineSweeperTests
{
    [Fact]
    public async Task A_connection_past_its_deadline_is_expired_once_and_one_no_longer_watched_is_left_alone()
    {
        using var sweeper = new DeadlineSweeper();
        var expiring = new Watched(Environment.TickCount64);
        var forgotten = new Watched(Environment.TickCount64);
        sweeper.Watch(expiring);
        sweeper.Watch(forgotten);
        sweeper.Unwatch(forgotten);

        await Eventually.TrueAsync(() => expiring.Expirations > 0, "the connection past its deadline expired");

        Assert.Equal(0, forgotten.Expirations);
    }

    [Fact]
    public async Task A_connection_whose_deadline_is_ahead_is_not_expired()
    {
        using var sweeper = new DeadlineSweeper();
        var alive = new Watched(Environment.TickCount64 + (long)TimeSpan.FromHours(1).TotalMilliseconds);
        var never = new Watched(long.MaxValue);
        var witness = new Watched(Environment.TickCount64);
        sweeper.Watch(alive);
        sweeper.Watch(never);
        sweeper.Watch(witness);

        // Two sweeps have run once the witness expired twice: both looked at the others.
        await Eventually.TrueAsync(() => witness.Expirations >= 2, "two sweeps ran");

        Assert.Equal(0, alive.Expirations);
        Assert.Equal(0, never.Expirations);
    }

    [Fact]
    public async Task A_disposed_sweeper_stops_sweeping_and_may_be_disposed_again()
    {
        using var live = new DeadlineSweeper();
        var stopped = new DeadlineSweeper();
        var unswept = new Watched(long.MaxValue);
        stopped.Watch(unswept);
        stopped.Dispose();
        stopped.Dispose();
        unswept.Deadline = Environment.TickCount64;

        // Once the live sweeper has swept twice, the stopped one would have swept too had it gone on.
        var witness = new Watched(Environment.TickCount64);
        live.Watch(witness);
        await Eventually.TrueAsync(() => witness.Expirations >= 2, "two sweeps of the live sweeper ran");

        Assert.Equal(0, unswept.Expirations);
    }

    [Fact]
    public async Task A_stall_due_before_the_deadline_is_noticed_and_the_connection_is_not_expired()
    {
        using var sweeper = new DeadlineSweeper();
        var stalled = new Watched(long.MaxValue, stallNoticeAt: Environment.TickCount64);
        sweeper.Watch(stalled);

        await Eventually.TrueAsync(() => stalled.Notices > 0, "the stall was noticed");

        Assert.Equal(0, stalled.Expirations);
    }

    private sealed class Watched(long deadline, long stallNoticeAt = long.MaxValue) : IDeadlineWatched
    {
        private int _expirations;
        private int _notices;
        private long _deadline = deadline;

        public long Deadline
        {
            get => Volatile.Read(ref _deadline);
            set => Volatile.Write(ref _deadline, value);
        }

        public int Expirations => Volatile.Read(ref _expirations);

        public long StallNoticeAt { get; } = stallNoticeAt;

        public int Notices => Volatile.Read(ref _notices);

        public void Expire() => Interlocked.Increment(ref _expirations);

        public void NoticeStall(long now) => Interlocked.Increment(ref _notices);
    }
}
