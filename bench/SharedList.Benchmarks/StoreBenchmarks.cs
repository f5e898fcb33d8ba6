using System.Buffers;
using BenchmarkDotNet.Attributes;
using SharedList.Stores;

namespace SharedList.Benchmarks;

/// <summary>
/// The store: an append (the lock, rendering the item into the chunks, a chunk now and then), and a LIST of
/// 100,000 items (snapshot, then copy out with the per-item fix-up), whole and a 64 KiB budget at a time.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int ListItems = 100_000;
    private static readonly byte[] Item = "abcdefghijklmnop"u8.ToArray();

    private readonly ArrayBufferWriter<byte> _output = new(4 * 1024 * 1024);
    private readonly InMemoryListStore _store = new(int.MaxValue);
    private InMemoryListStore _full = new();

    [GlobalSetup]
    public void Setup()
    {
        _full = new InMemoryListStore();
        for (var i = 0; i < ListItems; i++)
        {
            _full.TryAppend(Item);
        }
    }

    /// <summary>
    /// Per append, chunk allocation included: 10,000 appends. The list is emptied only every 1,000 invocations,
    /// so the figure is that of a long list, not of the first chunks of an empty one.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 10_000)]
    public bool Append()
    {
        if (_store.Count >= 10_000_000)
        {
            _store.Clear();
        }

        var stored = false;
        for (var i = 0; i < 10_000; i++)
        {
            stored = _store.TryAppend(Item);
        }

        return stored;
    }

    [Benchmark]
    public long ListOf100000()
    {
        _output.ResetWrittenCount();
        _full.Snapshot().WriteTo(_output);
        return _output.WrittenCount;
    }
}
