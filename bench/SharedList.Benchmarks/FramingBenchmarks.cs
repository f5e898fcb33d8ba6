using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using SharedList.Protocol;

namespace SharedList.Benchmarks;

/// <summary>The line framer over a pipelined batch: what every model does for each read.</summary>
[MemoryDiagnoser]
public class FramingBenchmarks
{
    private readonly MessageFramer _framer = new(Framing.Line, 65_536);
    private ReadOnlySequence<byte> _batch;

    /// <summary>Messages in the batch.</summary>
    [Params(1, 16, 256)]
    public int Messages { get; set; }

    [GlobalSetup]
    public void Setup() => _batch = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcdefghijklmnop\n", Messages))));

    [Benchmark]
    public int FrameBatch()
    {
        var input = _batch;
        var count = 0;
        while (_framer.TryReadMessage(ref input, out _) == FrameStatus.Message)
        {
            count++;
        }

        return count;
    }
}
