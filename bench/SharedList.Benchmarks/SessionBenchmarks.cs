using System.Buffers;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;
using SocketServer.Sessions;

namespace SharedList.Benchmarks;

/// <summary>
/// A session processing one read's worth of pipelined appends: framing, parsing, storing and writing every
/// Ack, as a server model calls it (no sockets).
/// </summary>
[MemoryDiagnoser]
public class SessionBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private ISession _session = null!;
    private ReadOnlySequence<byte> _batch;
    private MemoryListStore _store = new();
    private long _calls;

    /// <summary>Appends in the batch.</summary>
    [Params(1, 16)]
    public int Appends { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _batch = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcdefghijklmnop\n", Appends))));
        _store = new MemoryListStore(int.MaxValue);
        var factory = new SharedListSessionFactory(_store, new SharedListOptions { Framing = Framing.Line });
        _session = factory.CreateSession(new ConnectionContext(1, new IPEndPoint(IPAddress.Loopback, 1), new IPEndPoint(IPAddress.Loopback, 2), TransportKind.Stream));
    }

    [Benchmark]
    public SessionStatus ProcessBatch()
    {
        // Emptied now and then so the list stays small; Clear is O(1). (An [IterationCleanup] would force one
        // invocation per iteration, and the timer's overhead would swamp the measurement.)
        if (++_calls % 65_536 == 0)
        {
            _store.GetList(SharedListOptions.DefaultListKey).Clear();
        }

        _output.ResetWrittenCount();
        var input = _batch;
        return _session.Process(ref input, inputCompleted: false, _output);
    }
}
