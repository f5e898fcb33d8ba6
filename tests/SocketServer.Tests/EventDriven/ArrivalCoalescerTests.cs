using SocketServer.EventDriven;

namespace SocketServer.Tests.EventDriven;

/// <summary>When an event loop pauses to gather arrivals: rounds fed to the policy with a clock of milliseconds.</summary>
public sealed class ArrivalCoalescerTests
{
    private static readonly TimeSpan Pause = TimeSpan.FromMicroseconds(50);

    [Fact]
    public void Many_connections_at_a_high_rate_make_small_rounds_pause()
    {
        // 50 connections, each served twice a millisecond: 100 a millisecond, 5 per 50 µs pause; a client's cycle of
        // 500 µs spans 10 pauses.
        var coalescer = Busy(connections: 50, servedPerMillisecond: 100, out var now);
        Assert.True(coalescer.ShouldPause(now, served: 1));
        Assert.True(coalescer.ShouldPause(now, served: ArrivalCoalescer.LargeRound - 1));
        Assert.False(coalescer.ShouldPause(now, served: ArrivalCoalescer.LargeRound), "a large round shared its wake-up already");
        Assert.False(coalescer.ShouldPause(now, served: 0), "a round that served nobody (a wake-up, an accept) gathers nothing");
    }

    [Fact]
    public void One_client_never_waits_however_fast()
    {
        foreach (var rate in new[] { 10, 40, 100, 1_000 })
        {
            var coalescer = Busy(connections: 1, servedPerMillisecond: rate, out var now);
            Assert.False(coalescer.ShouldPause(now, served: 1), $"{rate} a millisecond");
        }
    }

    [Fact]
    public void Fewer_connections_than_a_cycle_of_four_pauses_needs_never_wait()
    {
        // To gather 1 a pause and still leave each client 4 pauses between its requests takes 4 connections.
        const int needed = ArrivalCoalescer.MinGathered * ArrivalCoalescer.CycleInPauses;
        for (var connections = 1; connections < needed; connections++)
        {
            foreach (var rate in new[] { 20, 40, 80, 160, 1_000 })
            {
                var coalescer = Busy(connections, rate, out var now);
                Assert.False(coalescer.ShouldPause(now, served: 1), $"{connections} connections, {rate} a millisecond");
            }
        }

        // 8 served 20 times a millisecond: one gathered a pause, and a cycle of 400 µs, 8 pauses.
        var eight = Busy(connections: 8, servedPerMillisecond: 20, out var then);
        Assert.True(eight.ShouldPause(then, served: 1));
    }

    [Theory]
    // 16 connections served 160 times a millisecond: a client asks again every 100 µs, two pauses.
    [InlineData(16, 160, false)]
    // At 80 a millisecond its cycle is 200 µs, 4 pauses, and a pause gathers 4.
    [InlineData(16, 80, true)]
    // 1,000 connections, 15 of them served a millisecond: 0.75 per pause.
    [InlineData(1_000, 15, false)]
    // 20 a millisecond: one per pause, and each of the 20 served asks again after 1 ms, 20 pauses.
    [InlineData(1_000, 20, true)]
    public void A_pause_needs_a_rate_that_gathers_one_and_a_cycle_of_four_pauses(int connections, int servedPerMillisecond, bool pauses)
    {
        var coalescer = Busy(connections, servedPerMillisecond, out var now);
        Assert.Equal(pauses, coalescer.ShouldPause(now, served: 1));
    }

    [Fact]
    public void A_quiet_spell_disengages_it_until_a_busy_window_has_passed()
    {
        var coalescer = Busy(connections: 50, servedPerMillisecond: 100, out var now);
        Assert.True(coalescer.ShouldPause(now, served: 1));

        // A second of silence: the first round after it closes a window whose rate was nearly nothing.
        now += 1_000;
        long stamp = -1;
        coalescer.CountServed(ref stamp);
        Assert.False(coalescer.ShouldPause(now, served: 1));

        Serve(coalescer, connections: 50, servedPerMillisecond: 100, ref now);
        Assert.True(coalescer.ShouldPause(now, served: 1));
    }

    [Fact]
    public void A_connection_served_many_times_in_a_window_counts_once()
    {
        // One connection served 1,000 times a millisecond (pipelined rounds): not 1,000 clients.
        var coalescer = new ArrivalCoalescer(Pause, now: 0);
        long now = 0;
        long stamp = -1;
        for (var round = 0; round < 1_000; round++)
        {
            coalescer.CountServed(ref stamp);
            coalescer.ShouldPause(now, served: 1);
        }

        now++;
        coalescer.CountServed(ref stamp);
        Assert.False(coalescer.ShouldPause(now, served: 1));
    }

    [Fact]
    public void A_pause_of_zero_never_pauses()
    {
        var coalescer = new ArrivalCoalescer(TimeSpan.Zero, now: 0);
        Assert.False(coalescer.Enabled);
        long now = 0;
        Serve(coalescer, connections: 50, servedPerMillisecond: 100, ref now);
        Assert.False(coalescer.ShouldPause(now, served: 1));
    }

    // A coalescer that has just closed a window in which `connections` connections were served, one per round,
    // `servedPerMillisecond` rounds in all each millisecond, for two milliseconds.
    private static ArrivalCoalescer Busy(int connections, int servedPerMillisecond, out long now)
    {
        var coalescer = new ArrivalCoalescer(Pause, now: 0);
        now = 0;
        Serve(coalescer, connections, servedPerMillisecond, ref now);
        return coalescer;
    }

    private static void Serve(ArrivalCoalescer coalescer, int connections, int servedPerMillisecond, ref long now)
    {
        var stamps = Enumerable.Repeat(-1L, connections).ToArray();
        var start = now;
        for (var round = 0; round < 2 * servedPerMillisecond; round++)
        {
            coalescer.CountServed(ref stamps[round % connections]);
            coalescer.ShouldPause(start + (round / servedPerMillisecond), served: 1);
        }

        // The round that moves the clock closes the window of the last millisecond; the next rounds see its verdict.
        now = start + 2;
        coalescer.CountServed(ref stamps[0]);
        coalescer.ShouldPause(now, served: 1);
    }
}
