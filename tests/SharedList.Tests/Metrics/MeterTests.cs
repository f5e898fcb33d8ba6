using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using SharedList.Hosting;
using SharedList.Metrics;
using SharedList.Service;
using SharedList.Tests.Models;
using SocketServer;

namespace SharedList.Tests.Metrics;

/// <summary>Both meters read through a <see cref="MeterListener"/>, as any consumer reads them, while a real server serves.</summary>
public sealed class MeterTests
{
    private const string Secret = "pw";

    [Theory]
    [InlineData(ServerModel.Async)]
    [InlineData(ServerModel.Epoll)]
    [InlineData(ServerModel.Threading)]
    public async Task A_servers_connections_bytes_requests_and_errors_are_counted(ServerModel model)
    {
        if (!model.IsSupportedHere())
        {
            Assert.Skip($"{model.Name()} needs Linux");
        }

        // A list of its own: the service's counts are tagged with it, the server's with its address, so servers of
        // other tests running at once are told apart.
        var key = $"metrics-{Guid.NewGuid():N}";
        using var meters = new RecordedMeters();
        await using var server = new ModelServer(new ServerSettings
        {
            Model = model,
            ListKey = key,
            MaxItems = 2,
            MaxMessageBytes = 64,
            Password = Password.FromOptional(Secret),
        });
        var address = server.EndPoint.ToString()!;
        var sent = 0;
        var received = 0;

        using (var client = await LineConnection.ConnectAsync(server.EndPoint))
        {
            string Request(string message)
            {
                sent += Encoding.UTF8.GetByteCount(message) + 1;
                var reply = client.Request(message);
                received += Encoding.UTF8.GetByteCount(reply) + 1;
                return reply;
            }

            Assert.Equal("ERR authentication required", Request("a"));
            Assert.Equal("ERR invalid password", Request("AUTH nope"));
            Assert.Equal("OK", Request($"AUTH {Secret}"));
            Assert.Equal("Ack", Request("a"));
            Assert.Equal("Ack", Request("b"));
            Assert.Equal("ERR list full", Request("c"));
            Assert.Equal("['a', 'b']", Request("LIST"));

            meters.Collect();
            Assert.Equal(1, meters.Server(ServerMetrics.ConnectionsCurrent, address));
            Assert.Equal(2, meters.List(ListMetrics.ListLength, key));

            Assert.Equal("Lista apagada", Request("CLEAR"));
            client.Send([0xff, (byte)'\n']);
            sent += 2;
            var invalid = client.ReadLine()!;
            received += Encoding.UTF8.GetByteCount(invalid) + 1;
            Assert.StartsWith("ERR", invalid, StringComparison.Ordinal);
        }

        using (var tooLong = await LineConnection.ConnectAsync(server.EndPoint))
        {
            tooLong.Send(new string('x', 100) + "\n");
            Assert.StartsWith("ERR message too long", tooLong.ReadLine(), StringComparison.Ordinal);
        }

        await Eventually.TrueAsync(() => server.Server.ActiveConnections == 0, "both connections to be closed");
        meters.Collect();

        Assert.Equal(0, meters.Server(ServerMetrics.ConnectionsCurrent, address));
        Assert.Equal(2, meters.Server(ServerMetrics.ConnectionsAccepted, address));
        Assert.Equal(0, meters.Server(ServerMetrics.ConnectionsRefused, address));
        Assert.Equal(sent + 101, meters.Server(ServerMetrics.BytesReceived, address));
        Assert.True(meters.Server(ServerMetrics.BytesSent, address) >= received + "ERR message too long".Length, "the bytes sent cover every reply");

        Assert.Equal(3, meters.List(ListMetrics.Requests, key, ListMetrics.CommandTag, "append"));
        Assert.Equal(1, meters.List(ListMetrics.Requests, key, ListMetrics.CommandTag, "list"));
        Assert.Equal(1, meters.List(ListMetrics.Requests, key, ListMetrics.CommandTag, "clear"));
        Assert.Equal(2, meters.List(ListMetrics.Requests, key, ListMetrics.CommandTag, "auth"));
        Assert.Equal(1, meters.List(ListMetrics.Errors, key, ListMetrics.KindTag, "not_authenticated"));
        Assert.Equal(1, meters.List(ListMetrics.Errors, key, ListMetrics.KindTag, "wrong_password"));
        Assert.Equal(1, meters.List(ListMetrics.Errors, key, ListMetrics.KindTag, "list_full"));
        Assert.Equal(1, meters.List(ListMetrics.Errors, key, ListMetrics.KindTag, "invalid_utf8"));
        Assert.Equal(1, meters.List(ListMetrics.Errors, key, ListMetrics.KindTag, "message_too_long"));
        Assert.Equal(0, meters.List(ListMetrics.Errors, key, ListMetrics.KindTag, "store_unavailable"));
        Assert.Equal(0, meters.List(ListMetrics.ListLength, key));

        // Untagged, so other tests' requests may add to it: at least one per request of this test.
        Assert.True(meters.RequestDurations >= 10, $"{meters.RequestDurations} request durations recorded");
    }

    [Fact]
    public async Task A_stopped_server_is_no_longer_reported()
    {
        using var meters = new RecordedMeters();
        string address;
        await using (var server = new ModelServer(ServerModel.Async))
        {
            address = server.EndPoint.ToString()!;
            meters.Collect();
            Assert.Equal(0, meters.Server(ServerMetrics.ConnectionsAccepted, address));
        }

        meters.Collect();
        Assert.Null(meters.ServerOrNull(ServerMetrics.ConnectionsAccepted, address));
    }

    /// <summary>Every measurement of the two meters, the observable ones as of the last <see cref="Collect"/>.</summary>
    private sealed class RecordedMeters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _latest = new();
        private long _durations;

        public RecordedMeters()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name is ServerMetrics.MeterName or ListMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _latest[Key(instrument.Name, tags)] = value);
            _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => _latest[Key(instrument.Name, tags)] = value);
            _listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
            {
                if (instrument.Name == ListMetrics.RequestDuration)
                {
                    Interlocked.Increment(ref _durations);
                }
            });
            _listener.Start();
        }

        public long RequestDurations => Interlocked.Read(ref _durations);

        public void Collect()
        {
            _latest.Clear();
            _listener.RecordObservableInstruments();
        }

        /// <summary>A server's value, summed over its other tags (the reasons of a refusal).</summary>
        public long Server(string instrument, string address) =>
            ServerOrNull(instrument, address) ?? throw new Xunit.Sdk.XunitException($"no {instrument} for {address}");

        public long? ServerOrNull(string instrument, string address)
        {
            var matches = _latest.Where(m => m.Key.StartsWith(instrument + "|", StringComparison.Ordinal) && m.Key.Contains($"|{ServerMetrics.ServerAddressTag}={address}|", StringComparison.Ordinal)).ToList();
            return matches.Count == 0 ? null : matches.Sum(m => m.Value);
        }

        public long List(string instrument, string list, string? tag = null, string? value = null)
        {
            var matches = _latest.Where(m => m.Key.StartsWith(instrument + "|", StringComparison.Ordinal)
                && m.Key.Contains($"|{ListMetrics.ListTag}={list}|", StringComparison.Ordinal)
                && (tag is null || m.Key.Contains($"|{tag}={value}|", StringComparison.Ordinal))).ToList();
            Assert.True(matches.Count > 0, $"no {instrument} for {list} {tag}={value}");
            return matches.Sum(m => m.Value);
        }

        public void Dispose() => _listener.Dispose();

        private static string Key(string instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = new StringBuilder(instrument).Append('|');
            foreach (var tag in tags)
            {
                key.Append(tag.Key).Append('=').Append(tag.Value).Append('|');
            }

            return key.ToString();
        }
    }
}
