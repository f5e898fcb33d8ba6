using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using SharedList.Metrics;
using SharedList.Protocol.Resp;
using SharedList.Service;
using SharedList.Stores;
using SocketServer.Sessions;
using static SharedList.Tests.Resp.RespSessions;

namespace SharedList.Tests.Resp;

/// <summary>The Redis protocol's requests are counted by command and its errors by kind, tagged as the Redis protocol's.</summary>
public sealed class RespMetricsTests
{
    [Fact]
    public void Requests_are_counted_by_command_and_errors_by_kind()
    {
        var factory = new RespSessionFactory(new MemoryListStore(maxItems: 1), Password.FromOptional("pw"));
        var session = factory.CreateSession(new ConnectionContext(1, new IPEndPoint(IPAddress.Loopback, 50000), new IPEndPoint(IPAddress.Loopback, 6379), TransportKind.Stream));

        Call(session, "PING");
        Call(session, "AUTH", "nope");
        Call(session, "AUTH", "pw");
        Call(session, "RPUSH", "k", "a");
        Call(session, "RPUSH", "k", "b");
        Call(session, "LRANGE", "k", "0", "-1");

        var counters = factory.Metrics;
        Assert.Equal(2, counters.ReadResp(RespCommandId.RPush));
        Assert.Equal(1, counters.ReadResp(RespCommandId.LRange));
        Assert.Equal(2, counters.ReadResp(RespCommandId.Auth));
        Assert.Equal(0, counters.ReadResp(RespCommandId.Ping));
        Assert.Equal(1, counters.Read(Counted.NotAuthenticated));
        Assert.Equal(1, counters.Read(Counted.WrongPassword));
        Assert.Equal(1, counters.Read(Counted.ListFull));
    }

    [Fact]
    public void The_meter_reports_them_tagged_with_the_protocol()
    {
        var factory = new RespSessionFactory(new MemoryListStore());
        var session = Create(new MemoryListStore());
        Call(session, "LLEN", "k");
        GC.KeepAlive(factory);

        var seen = new ConcurrentBag<(string Command, object? Protocol)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ListMetrics.MeterName && instrument.Name == ListMetrics.Requests)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var command = tags.ToArray().FirstOrDefault(t => t.Key == ListMetrics.CommandTag).Value as string;
            var protocol = tags.ToArray().FirstOrDefault(t => t.Key == ListMetrics.ProtocolTag).Value;
            seen.Add((command ?? string.Empty, protocol));
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Contains(("llen", (object?)"resp"), seen);
        Assert.Contains(("rpush", (object?)"resp"), seen);
    }
}
