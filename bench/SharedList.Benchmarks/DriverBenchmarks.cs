using System.Buffers;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;
using SocketServer.Connections;
using SocketServer.Sessions;

namespace SharedList.Benchmarks;

/// <summary>
/// What the connection driver adds to a session: one read's worth of pipelined appends received into the driver's
/// buffer, processed and its replies taken, against the same batch handed to the session alone. The difference is
/// every model's cost of the driver per read, sockets aside.
/// </summary>
[MemoryDiagnoser]
public class DriverBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private byte[] _batch = [];
    private MemoryListStore _store = new();
    private ISession _session = null!;
    private ConnectionDriver _driver = null!;
    private long _calls;

    /// <summary>Appends in the batch.</summary>
    [Params(1, 16)]
    public int Appends { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _batch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcdefghijklmnop\n", Appends)));
        _store = new MemoryListStore(int.MaxValue);
        var factory = new SharedListSessionFactory(_store, new SharedListOptions { Framing = Framing.Line });
        var context = new ConnectionContext(1, new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), TransportKind.Stream);
        _session = factory.CreateSession(context);

        // The server's defaults: no idle bound, a stall bound, so the clock runs as it does in a server.
        _driver = new ConnectionDriver(factory.CreateSession(context), new ConnectionTimeouts(TimeSpan.Zero, TimeSpan.FromSeconds(30)));
    }

    [Benchmark(Baseline = true)]
    public int SessionAlone()
    {
        ClearNowAndThen();
        _output.ResetWrittenCount();
        var input = new ReadOnlySequence<byte>(_batch);
        _session.Process(ref input, inputCompleted: false, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int ThroughTheDriver()
    {
        ClearNowAndThen();
        _batch.CopyTo(_driver.GetReceiveBuffer());
        _driver.Received(_batch.Length);
        var replies = _driver.Unsent.Length;
        _driver.Sent(replies);
        return replies;
    }

    // Emptied now and then so the list stays small; Clear is O(1).
    private void ClearNowAndThen()
    {
        if (++_calls % 65_536 == 0)
        {
            _store.GetList(SharedListOptions.DefaultListKey).Clear();
        }
    }
}
