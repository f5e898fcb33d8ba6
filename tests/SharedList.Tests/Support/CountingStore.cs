using SharedList.Stores;

namespace SharedList.Tests.Support;

/// <summary>An in-memory store that counts snapshots, to show when the list is (not) rendered.</summary>
internal sealed class CountingStore : IListStore
{
    private readonly InMemoryListStore _inner = new();

    public int Snapshots { get; private set; }

    public int Count => _inner.Count;

    public int MaxItems => _inner.MaxItems;

    public bool TryAppend(ReadOnlySpan<byte> utf8Item) => _inner.TryAppend(utf8Item);

    public void Clear() => _inner.Clear();

    public ListSnapshot Snapshot()
    {
        Snapshots++;
        return _inner.Snapshot();
    }
}
