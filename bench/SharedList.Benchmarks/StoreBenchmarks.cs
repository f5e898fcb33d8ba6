using System.Buffers;
using BenchmarkDotNet.Attributes;
using SharedList.Stores;

namespace SharedList.Benchmarks;

/// <summary>
/// The store: an append (the lock, rendering the item into the chunks, a chunk now and then), and a LIST of
/// 100,000 items (snapshot, then the copy out with its fix-up per item), against a plain copy of the same bytes.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int ListItems = 100_000;
    private const int AppendsPerInvoke = 10_000;

    // Printable ASCII without quotes or backslashes: the fast path. The other needs escapes and non-ASCII.
    private static readonly byte[] PlainItem = "abcdefghijklmnop"u8.ToArray();
    private static readonly byte[] EscapedItem = "it's ação\t😀"u8.ToArray();

    private readonly ArrayBufferWriter<byte> _output = new(4 * 1024 * 1024);
    private readonly ReusedBufferWriter _window = new(64 * 1024);
    private readonly InMemoryList _store = new(int.MaxValue);
    private InMemoryList _full = new();
    private byte[] _rendered = [];

    [GlobalSetup]
    public void Setup()
    {
        _full = new InMemoryList();
        for (var i = 0; i < ListItems; i++)
        {
            _full.TryAppend(PlainItem);
        }

        var writer = new ArrayBufferWriter<byte>();
        _full.Snapshot().WriteTo(writer);
        _rendered = writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Per append, chunk allocation included. The list is emptied only when it reaches 10 million items, so the
    /// figure is that of a long list, not of the first chunks of an empty one.
    /// </summary>
    [Benchmark(OperationsPerInvoke = AppendsPerInvoke)]
    public bool Append() => AppendMany(PlainItem);

    /// <summary>Per append of an item that takes the renderer's slow path: a quote, a tab, non-ASCII.</summary>
    [Benchmark(OperationsPerInvoke = AppendsPerInvoke)]
    public bool AppendEscaped() => AppendMany(EscapedItem);

    /// <summary>LIST of 100,000 16-byte items: 2,000,001 bytes.</summary>
    [Benchmark]
    public long ListOf100000()
    {
        _output.ResetWrittenCount();
        _full.Snapshot().WriteTo(_output);
        return _output.WrittenCount;
    }

    /// <summary>
    /// The same LIST into one reused 64 KiB buffer, as a server writes a reply a budget at a time into pipe
    /// buffers the kernel has just copied out: the bytes stay in cache, so this is the copy's own cost.
    /// </summary>
    [Benchmark]
    public long ListOf100000IntoA64KiBBuffer()
    {
        _window.Reset();
        _full.Snapshot().WriteTo(_window);
        return _window.Written;
    }

    /// <summary>The floor for <see cref="ListOf100000"/>: copying the same rendered bytes.</summary>
    [Benchmark]
    public long CopyOfTheSameBytes()
    {
        _output.ResetWrittenCount();
        _output.Write(_rendered);
        return _output.WrittenCount;
    }

    private bool AppendMany(byte[] item)
    {
        if (_store.Count >= 10_000_000)
        {
            _store.Clear();
        }

        var stored = false;
        for (var i = 0; i < AppendsPerInvoke; i++)
        {
            stored = _store.TryAppend(item);
        }

        return stored;
    }

    /// <summary>Hands out the same buffer again and again, counting what is written into it.</summary>
    private sealed class ReusedBufferWriter(int size) : IBufferWriter<byte>
    {
        private readonly byte[] _buffer = new byte[size];

        public long Written { get; private set; }

        public void Reset() => Written = 0;

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => _buffer;

        public Span<byte> GetSpan(int sizeHint = 0) => _buffer;
    }
}
