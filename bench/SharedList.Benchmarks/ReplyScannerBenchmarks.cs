using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using SharedList.Bench.Load;
using SharedList.Bench.Resp;

namespace SharedList.Benchmarks;

/// <summary>The load tool's own hot path: framing a read's worth of replies, line and RESP.</summary>
[MemoryDiagnoser]
public class ReplyScannerBenchmarks
{
    private readonly LineReplyScanner _line = new();
    private readonly RespReplyScanner _resp = new();
    private byte[] _acks = [];
    private byte[] _integers = [];

    [GlobalSetup]
    public void Setup()
    {
        _acks = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("Ack\n", 256)));
        var output = new ArrayBufferWriter<byte>();
        for (var i = 0; i < 256; i++)
        {
            RespWriter.WriteInteger(output, 1_000_000 + i);
        }

        _integers = output.WrittenSpan.ToArray();
    }

    [Benchmark(OperationsPerInvoke = 256)]
    public int Acks() => Scan(_line, _acks);

    [Benchmark(OperationsPerInvoke = 256)]
    public int RespIntegers() => Scan(_resp, _integers);

    private static int Scan(ReplyScanner scanner, ReadOnlySpan<byte> data)
    {
        var count = 0;
        while (scanner.TryNext(ref data, out _))
        {
            count++;
        }

        return count;
    }
}
