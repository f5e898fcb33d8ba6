using SocketServer.Sessions;

namespace SocketServer.Tests.Sessions;

public sealed class LogThrottleTests
{
    [Fact]
    public void At_most_the_limit_goes_through_each_second_and_the_rest_are_summed_when_the_second_ends()
    {
        var clock = new ManualClock();
        var summaries = new List<long>();
        var throttle = new LogThrottle(summaries.Add, perSecond: 3, clock);

        var allowed = Enumerable.Range(0, 10).Select(_ => throttle.TryLog()).ToList();

        Assert.Equal([true, true, true, false, false, false, false, false, false, false], allowed);
        Assert.Empty(summaries);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([7L], summaries);
    }

    [Fact]
    public void A_new_second_lets_lines_through_again_and_no_summary_is_written_twice()
    {
        var clock = new ManualClock();
        var summaries = new List<long>();
        var throttle = new LogThrottle(summaries.Add, perSecond: 1, clock);

        Assert.True(throttle.TryLog());
        Assert.False(throttle.TryLog());
        clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.True(throttle.TryLog());
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([1L], summaries);
    }

    [Fact]
    public void An_event_after_the_second_reports_a_summary_the_timer_has_not_yet_written()
    {
        var clock = new ManualClock { FireTimers = false };
        var summaries = new List<long>();
        var throttle = new LogThrottle(summaries.Add, perSecond: 1, clock);

        Assert.True(throttle.TryLog());
        Assert.False(throttle.TryLog());
        Assert.False(throttle.TryLog());
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.True(throttle.TryLog());
        Assert.Equal([2L], summaries);
    }

    /// <summary>A clock moved by the test, with one-shot timers that fire as it passes their time.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly List<ManualTimer> _timers = [];
        private long _ticks = 1;

        public bool FireTimers { get; init; } = true;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(this, callback, state);
            timer.Change(dueTime, period);
            _timers.Add(timer);
            return timer;
        }

        public void Advance(TimeSpan by)
        {
            _ticks += by.Ticks;
            foreach (var timer in _timers.Where(t => FireTimers && t.Due is { } due && due <= _ticks).ToList())
            {
                timer.Fire();
            }
        }

        private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
        {
            public long? Due { get; private set; }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._ticks + dueTime.Ticks;
                return true;
            }

            public void Fire()
            {
                Due = null;
                callback(state);
            }

            public void Dispose() => Due = null;

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
