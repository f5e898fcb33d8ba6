using System.Diagnostics.Metrics;
using SocketServer.EventDriven;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.EventDriven;

/// <summary>
/// The select and epoll loops' pause under load (<see cref="ServerOptions.CoalesceDelay"/>), on real loopback
/// connections, counted through the meter's <see cref="ServerMetrics.CoalescingPauses"/>.
/// </summary>
public sealed class CoalescingTests
{
    [Theory]
    [InlineData(ServerModel.Select)]
    [InlineData(ServerModel.Epoll)]
    public async Task Many_clients_that_think_between_requests_are_gathered_and_every_one_served(ServerModel model)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the loop pauses on Linux only");

        // 64 clients that wait 2 ms or more between requests: a client's cycle spans 5 pauses of 400 µs however slow
        // the machine, and a pause gathers one while they make 2,500 requests a second in all, a twentieth of what
        // they make on an idle machine.
        var options = new ServerOptions { CoalesceDelay = TimeSpan.FromMicroseconds(400) };
        using var server = ServerModels.Create(model, ServerFactory.AnyLoopbackPort, new LineReverseSessions(), options);
        server.Start();
        using var pauses = new PauseCount(server.LocalEndPoint.ToString()!);
        var clients = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => TestClient.ConnectAsync(server.LocalEndPoint)));
        using var enough = new CancellationTokenSource();
        try
        {
            var load = Task.WhenAll(clients.Select(async (client, c) =>
            {
                for (var i = 0; i < 5_000 && !enough.IsCancellationRequested; i++)
                {
                    Assert.Equal(LineReverseSession.Reply($"c{c} m{i}"), await client.RoundTripAsync($"c{c} m{i}"));
                    await Task.Delay(TimeSpan.FromMilliseconds(2), CancellationToken.None);
                }
            }));
            await Task.WhenAny(load, Eventually.TrueAsync(() => load.IsCompleted || pauses.Read() > 0, "the loop to pause"));
            await enough.CancelAsync();
            await load;
            var (count, time) = pauses.ReadBoth();
            Assert.True(count > 0, "the loop never paused");

            // Each pause lasts from the shortest to the longest (one may fall between the two readings).
            Assert.InRange(time, (count - 1) * ArrivalCoalescer.ShortestPause, (count + 1) * options.CoalesceDelay);

            // Pipelined requests still come back whole and in order after the loop has paused.
            await Task.WhenAll(clients.Select((client, c) => LineReverseSession.AssertPipelinedAsync(client, $"c{c}", count: 20, growth: 50)));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            await server.StopAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Theory]
    [InlineData(ServerModel.Select, 1)]
    [InlineData(ServerModel.Epoll, 1)]
    [InlineData(ServerModel.Epoll, 3)]
    public async Task A_few_clients_as_fast_as_they_can_go_never_wait(ServerModel model, int clientCount)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the loop pauses on Linux only");
        var options = new ServerOptions { CoalesceDelay = ServerOptions.MaxCoalesceDelay };
        using var server = ServerModels.Create(model, ServerFactory.AnyLoopbackPort, new LineReverseSessions(), options);
        server.Start();
        using var pauses = new PauseCount(server.LocalEndPoint.ToString()!);
        var clients = await Task.WhenAll(Enumerable.Range(0, clientCount).Select(_ => TestClient.ConnectAsync(server.LocalEndPoint)));
        try
        {
            await Task.WhenAll(clients.Select(async (client, c) =>
            {
                for (var i = 0; i < 2_000; i++)
                {
                    Assert.Equal(LineReverseSession.Reply($"c{c} m{i}"), await client.RoundTripAsync($"c{c} m{i}"));
                }
            }));
            Assert.Equal((0, TimeSpan.Zero), pauses.ReadBoth());
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            await server.StopAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void The_pause_is_bounded()
    {
        Assert.Equal(TimeSpan.FromMicroseconds(150), ServerOptions.Default.CoalesceDelay);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServerOptions { CoalesceDelay = TimeSpan.FromTicks(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServerOptions { CoalesceDelay = ServerOptions.MaxCoalesceDelay + TimeSpan.FromTicks(1) });
        Assert.Equal(TimeSpan.Zero, new ServerOptions { CoalesceDelay = TimeSpan.Zero }.CoalesceDelay);
    }

    /// <summary>
    /// One server's <see cref="ServerMetrics.CoalescingPauses"/> and <see cref="ServerMetrics.CoalescingPauseTime"/>,
    /// read through a <see cref="MeterListener"/>.
    /// </summary>
    private sealed class PauseCount : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count = -1;
        private double _seconds = -1;

        public PauseCount(string address)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument is { Name: ServerMetrics.CoalescingPauses or ServerMetrics.CoalescingPauseTime, Meter.Name: ServerMetrics.MeterName })
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                if (IsOurs(tags, address))
                {
                    Volatile.Write(ref _count, value);
                }
            });
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            {
                if (IsOurs(tags, address))
                {
                    Volatile.Write(ref _seconds, value);
                }
            });
            _listener.Start();
        }

        public long Read() => ReadBoth().Count;

        public (long Count, TimeSpan Time) ReadBoth()
        {
            lock (_listener)
            {
                _listener.RecordObservableInstruments();
            }

            var count = Volatile.Read(ref _count);
            var seconds = Volatile.Read(ref _seconds);
            Assert.True(count >= 0 && seconds >= 0, "the meter does not report the server");
            return (count, TimeSpan.FromSeconds(seconds));
        }

        public void Dispose() => _listener.Dispose();

        private static bool IsOurs(ReadOnlySpan<KeyValuePair<string, object?>> tags, string address)
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: ServerMetrics.ServerAddressTag } && Equals(tag.Value, address))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
