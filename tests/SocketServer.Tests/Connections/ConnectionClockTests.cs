using SocketServer.Connections;
using SocketServer.Sessions;

namespace SocketServer.Tests.Connections;

/// <summary>The one deadline rule, on a clock given its times, so no test waits.</summary>
public sealed class ConnectionClockTests
{
    private static readonly TimeSpan ThreeSeconds = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ThirtySeconds = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_silent_connection_with_half_a_message_is_closed_at_the_idle_bound_when_it_is_the_shorter()
    {
        var clock = new ConnectionClock(new ConnectionTimeouts(ThreeSeconds, ThirtySeconds), now: 0);

        clock.Update(now: 1_000, activity: true, progress: false, inFlight: true);

        Assert.Equal(4_000, clock.Deadline);
        Assert.Equal("was idle", clock.Reason);
        Assert.Equal(ThreeSeconds, clock.Bound);
    }

    [Fact]
    public void Bytes_that_keep_coming_put_off_the_idle_bound_but_not_the_stall_bound()
    {
        var clock = new ConnectionClock(new ConnectionTimeouts(ThirtySeconds, ThreeSeconds), now: 0);
        clock.Update(now: 1_000, activity: true, progress: false, inFlight: true);
        Assert.Equal(4_000, clock.Deadline);

        // A byte at a time, never a whole message: activity, but no progress.
        clock.Update(now: 2_000, activity: true, progress: false, inFlight: true);
        clock.Update(now: 3_000, activity: true, progress: false, inFlight: true);

        Assert.Equal(4_000, clock.Deadline);
        Assert.Equal("made no progress", clock.Reason);
    }

    [Fact]
    public void Progress_restarts_the_stall_bound()
    {
        var clock = new ConnectionClock(new ConnectionTimeouts(TimeSpan.Zero, ThreeSeconds), now: 0);
        clock.Update(now: 1_000, activity: true, progress: false, inFlight: true);

        clock.Update(now: 2_500, activity: true, progress: true, inFlight: true);

        Assert.Equal(5_500, clock.Deadline);
    }

    [Fact]
    public void The_stall_bound_starts_when_something_goes_in_flight_not_when_the_connection_last_progressed()
    {
        var clock = new ConnectionClock(new ConnectionTimeouts(TimeSpan.Zero, ThreeSeconds), now: 0);
        Assert.Equal(long.MaxValue, clock.Deadline);

        clock.Update(now: 60_000, activity: true, progress: false, inFlight: true);

        Assert.Equal(63_000, clock.Deadline);
    }

    [Fact]
    public void With_nothing_in_flight_only_the_idle_bound_applies()
    {
        var clock = new ConnectionClock(new ConnectionTimeouts(ThirtySeconds, ThreeSeconds), now: 0);
        Assert.Equal(30_000, clock.Deadline);

        clock.Update(now: 1_000, activity: true, progress: true, inFlight: false);

        Assert.Equal(31_000, clock.Deadline);
        Assert.Equal("was idle", clock.Reason);
    }

    [Fact]
    public void A_stall_is_noticed_once_at_the_notice_bound_and_the_notice_is_not_taken_twice()
    {
        var clock = new ConnectionClock(new ConnectionTimeouts(TimeSpan.Zero, ThirtySeconds) { StallNotice = ThreeSeconds }, now: 0);
        Assert.Equal(long.MaxValue, clock.NoticeAt);

        clock.Update(now: 1_000, activity: true, progress: false, inFlight: true);

        Assert.Equal(4_000, clock.NoticeAt);
        Assert.Equal(31_000, clock.Deadline);
        Assert.False(clock.TryTakeNotice(now: 3_999));
        Assert.True(clock.TryTakeNotice(now: 4_000));
        Assert.False(clock.TryTakeNotice(now: 5_000));
        Assert.Equal(long.MaxValue, clock.NoticeAt);

        // Once per connection: a later stall is left to the close line.
        clock.Update(now: 6_000, activity: true, progress: true, inFlight: true);
        Assert.Equal(long.MaxValue, clock.NoticeAt);
        Assert.False(clock.TryTakeNotice(now: 60_000));
    }

    [Fact]
    public void Progress_puts_off_the_notice_and_nothing_in_flight_cancels_it()
    {
        var clock = new ConnectionClock(new ConnectionTimeouts(TimeSpan.Zero, ThirtySeconds) { StallNotice = ThreeSeconds }, now: 0);
        clock.Update(now: 1_000, activity: true, progress: false, inFlight: true);

        clock.Update(now: 2_000, activity: true, progress: true, inFlight: true);
        Assert.Equal(5_000, clock.NoticeAt);

        clock.Update(now: 2_500, activity: true, progress: true, inFlight: false);
        Assert.Equal(long.MaxValue, clock.NoticeAt);
        Assert.False(clock.TryTakeNotice(now: 60_000));
    }

    [Fact]
    public void Bytes_that_keep_coming_put_off_the_notice_but_not_the_stall_bound()
    {
        var clock = new ConnectionClock(new ConnectionTimeouts(TimeSpan.Zero, ThirtySeconds) { StallNotice = ThreeSeconds }, now: 0);
        clock.Update(now: 1_000, activity: true, progress: false, inFlight: true);

        // A byte at a time, never a whole message: not a client waiting for its reply.
        clock.Update(now: 3_000, activity: true, progress: false, inFlight: true);

        Assert.Equal(6_000, clock.NoticeAt);
        Assert.Equal(31_000, clock.Deadline);
    }

    [Fact]
    public void A_notice_no_sooner_than_the_stall_bound_is_never_due()
    {
        var clock = new ConnectionClock(new ConnectionTimeouts(TimeSpan.Zero, ThreeSeconds) { StallNotice = ThreeSeconds }, now: 0);

        clock.Update(now: 1_000, activity: true, progress: false, inFlight: true);

        Assert.Equal(long.MaxValue, clock.NoticeAt);
        Assert.False(clock.TryTakeNotice(now: 60_000));
    }

    [Fact]
    public void Without_bounds_the_clock_is_untimed_and_never_expires()
    {
        var clock = new ConnectionClock(ConnectionTimeouts.None, now: 0);

        Assert.False(clock.IsTimed);
        Assert.Equal(long.MaxValue, clock.Deadline);
    }
}
