using System.Buffers;
using BenchmarkDotNet.Attributes;
using SharedList.Protocol;
using SharedList.Stores;

namespace SharedList.Benchmarks;

/// <summary>The store: an append (the lock, the growth), and a LIST (snapshot, then render).</summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const string Item = "abcdefghijklmnop";

    private readonly ArrayBufferWriter<byte> _output = new(4 * 1024 * 1024);
    private readonly InMemoryListStore _store = new();
    private InMemoryListStore _full = new();

    [GlobalSetup]
    public void Setup()
    {
        _full = new InMemoryListStore();
        for (var i = 0; i < 10_000; i++)
        {
            _full.TryAppend(Item);
        }
    }

    /// <summary>Per append, growth included: 10,000 appends into an empty list, then an O(1) clear.</summary>
    [Benchmark(OperationsPerInvoke = 10_000)]
    public bool Append()
    {
        var stored = false;
        for (var i = 0; i < 10_000; i++)
        {
            stored = _store.TryAppend(Item);
        }

        _store.Clear();
        return stored;
    }

    [Benchmark]
    public int ListOf10000()
    {
        _output.ResetWrittenCount();
        PythonListRenderer.Render(_full.Snapshot().Span, _output);
        return _output.WrittenCount;
    }
}
