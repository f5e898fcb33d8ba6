using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using SharedList.Metrics;
using SharedList.Stores;
using SharedList.Tests.Support;
using SocketServer.Connections;
using SocketServer.Sessions;
using LineSessions = SharedList.Tests.Service.Sessions;
using RespSessions = SharedList.Tests.Resp.RespSessions;

namespace SharedList.Tests.Metrics;

/// <summary>
/// Both protocols record one request duration per batch, once its replies are ready: after the commit for a
/// committing store. Sessions run on the test's thread, and only durations recorded on it are counted, so other
/// tests' servers recording at the same time do not change the counts.
/// </summary>
public sealed class RequestDurationTests
{
    public static TheoryData<string> Protocols => ["line", "resp"];

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Each_batch_is_one_duration_however_many_requests_it_holds(string protocol)
    {
        using var durations = new DurationsOnThisThread();
        var session = Create(protocol, new MemoryListStore());

        Send(session, Append(protocol, "a"));
        Send(session, Append(protocol, "b"));
        Assert.Equal(2, durations.Count);

        Send(session, Append(protocol, "c") + Append(protocol, "d") + Append(protocol, "e"));
        Assert.Equal(3, durations.Count);
        Assert.All(durations.Values, seconds => Assert.InRange(seconds, 0, 60));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void An_unfinished_request_keeps_the_clock_running(string protocol)
    {
        using var durations = new DurationsOnThisThread();
        var session = Create(protocol, new MemoryListStore());
        var request = Encoding.UTF8.GetBytes(Append(protocol, "abc"));
        var driver = new ConnectionDriver(session);

        Receive(driver, request.AsSpan(0, request.Length - 1));
        var firstPartRead = Stopwatch.GetTimestamp();
        Assert.Equal(0, durations.Count);
        var between = Stopwatch.GetElapsedTime(firstPartRead);

        Receive(driver, request.AsSpan(request.Length - 1));
        Assert.Equal(1, durations.Count);
        Assert.True(durations.Values.Single() >= between.TotalSeconds, "the duration counts from the first byte of the batch");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void A_held_reply_is_timed_until_its_commit(string protocol)
    {
        using var durations = new DurationsOnThisThread();
        using var store = new GatedStore();
        var session = Create(protocol, store);
        var driver = new ConnectionDriver(session);

        Receive(driver, Encoding.UTF8.GetBytes(Append(protocol, "a") + Append(protocol, "b")));
        var received = Stopwatch.GetTimestamp();
        Assert.True(driver.AwaitingCommit);
        Assert.Equal(0, durations.Count);
        var beforeCommit = Stopwatch.GetElapsedTime(received);

        store.Open();
        driver.WaitForCommit();

        Assert.Equal(1, durations.Count);
        Assert.True(durations.Values.Single() >= beforeCommit.TotalSeconds, "the duration covers the wait for the commit");
    }

    private static ISession Create(string protocol, IListStore store) =>
        protocol == "resp" ? RespSessions.Create(store) : LineSessions.Create(store);

    private static string Append(string protocol, string item) =>
        protocol == "resp" ? RespSessions.Command("RPUSH", "k", item) : item + "\n";

    private static void Send(ISession session, string text)
    {
        var input = new System.Buffers.ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.Equal(SessionStatus.Continue, session.Process(ref input, false, output));
        Assert.True(input.IsEmpty);
        Assert.True(output.WrittenCount > 0);
    }

    private static void Receive(ConnectionDriver driver, ReadOnlySpan<byte> bytes)
    {
        var room = driver.GetReceiveBuffer();
        Assert.True(room.Length >= bytes.Length);
        bytes.CopyTo(room.Span);
        driver.Received(bytes.Length);
    }

    /// <summary>The request durations recorded on the thread that made it, while it lives.</summary>
    private sealed class DurationsOnThisThread : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<double> _values = [];
        private readonly int _thread = Environment.CurrentManagedThreadId;

        public DurationsOnThisThread()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ListMetrics.MeterName && instrument.Name == ListMetrics.RequestDuration)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
            {
                if (Environment.CurrentManagedThreadId == _thread)
                {
                    _values.Add(value);
                }
            });
            _listener.Start();
        }

        public int Count => _values.Count;

        public IReadOnlyList<double> Values => _values;

        public void Dispose() => _listener.Dispose();
    }
}
