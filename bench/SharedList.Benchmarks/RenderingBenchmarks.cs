using System.Buffers;
using BenchmarkDotNet.Attributes;
using SharedList.Protocol;

namespace SharedList.Benchmarks;

/// <summary>Rendering a list as Python's str(list): the cost of a LIST reply.</summary>
[MemoryDiagnoser]
public class RenderingBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4 * 1024 * 1024);
    private string[] _items = [];

    /// <summary>Items in the list.</summary>
    [Params(10, 1_000, 100_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup() => _items = [.. Enumerable.Range(0, Items).Select(i => $"item-{i:D10}-ab")];

    [Benchmark]
    public int RenderList()
    {
        _output.ResetWrittenCount();
        PythonListRenderer.Render(_items, _output);
        return _output.WrittenCount;
    }
}
