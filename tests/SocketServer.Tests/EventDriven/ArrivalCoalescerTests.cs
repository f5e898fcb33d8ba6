using SocketServer.EventDriven;

namespace SocketServer.Tests.EventDriven;

/// <summary>When an event loop pauses to gather arrivals: rounds fed to the policy with a clock of milliseconds.</summary>
public sealed class ArrivalCoalescerTests
{
    private static readonly TimeSpan Longest = ServerOptions.MaxCoalesceDelay;

    [Fact]
    public void Many_connections_at_a_high_rate_make_small_rounds_pause()
    {
        // 50 connections, each served twice a millisecond: one every 10 µs, and a client's cycle of 500 µs; a quarter
        // of it, 125 µs, is shorter than the 160 µs that would gather 16.
        var coalescer = Busy(connections: 50, servedPerMillisecond: 100, out var now);
        Assert.True(coalescer.ShouldPause(now, served: 1));
        AssertPause(125, coalescer);
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
            Assert.Equal(TimeSpan.Zero, coalescer.Pause);
        }
    }

    [Fact]
    public void Fewer_connections_than_a_cycle_of_four_pauses_needs_never_wait()
    {
        // To gather 1 a pause and still leave each client 4 pauses between its requests takes 4 connections.
        const int needed = ArrivalCoalescer.MinGathered * ArrivalCoalescer.CycleInPauses;
        for (var connections = 1; connections < needed; connections++)
        {
            foreach (var rate in new[] { 5, 20, 40, 80, 160, 1_000 })
            {
                var coalescer = Busy(connections, rate, out var now);
                Assert.False(coalescer.ShouldPause(now, served: 1), $"{connections} connections, {rate} a millisecond");
            }
        }

        // 8 served 20 times a millisecond: one every 50 µs, and a cycle of 400 µs, a quarter of which gathers 2.
        var eight = Busy(connections: 8, servedPerMillisecond: 20, out var then);
        Assert.True(eight.ShouldPause(then, served: 1));
        AssertPause(100, eight);
    }

    [Theory]
    // 16 connections served 64 times a millisecond: a client asks again every 250 µs, and a quarter of that is 62.5.
    [InlineData(16, 64, 1_000, 62.5)]
    // At 160 a millisecond a quarter of its cycle is 25 µs, shorter than the shortest pause.
    [InlineData(16, 160, 1_000, 0)]
    // 8 served 320 times a millisecond: a quarter of a cycle of 25 µs.
    [InlineData(8, 320, 1_000, 0)]
    // One served every 10 µs, each of the 100 again a millisecond later: 160 µs gathers 16.
    [InlineData(1_000, 100, 1_000, 160)]
    // The same at most 50 µs.
    [InlineData(1_000, 100, 50, 50)]
    // A longest pause under the shortest is the shortest.
    [InlineData(1_000, 100, 20, 20)]
    // One every 66.7 µs: 50 µs gathers less than one.
    [InlineData(1_000, 15, 50, 0)]
    // One every 50 µs: 50 µs gathers one.
    [InlineData(1_000, 20, 50, 50)]
    public void A_pause_gathers_16_within_a_quarter_of_a_cycle_and_the_longest_pause(int connections, int servedPerMillisecond, int longestMicroseconds, double pauseMicroseconds)
    {
        var coalescer = Busy(connections, servedPerMillisecond, out var now, TimeSpan.FromMicroseconds(longestMicroseconds));
        Assert.Equal(pauseMicroseconds > 0, coalescer.ShouldPause(now, served: 1));
        AssertPause(pauseMicroseconds, coalescer);
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
        var coalescer = new ArrivalCoalescer(Longest, now: 0);
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

    // Within 5 %: the pause is rounded down to whole microseconds.
    private static void AssertPause(double microseconds, ArrivalCoalescer coalescer) =>
        Assert.InRange(coalescer.Pause.TotalMicroseconds, microseconds * 0.95, microseconds * 1.05);

    // A coalescer that has just closed a window in which `connections` connections were served, one per round,
    // `servedPerMillisecond` rounds in all each millisecond, for two milliseconds.
    private static ArrivalCoalescer Busy(int connections, int servedPerMillisecond, out long now, TimeSpan? longest = null)
    {
        var coalescer = new ArrivalCoalescer(longest ?? Longest, now: 0);
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
