using SharedList.Stores;
using SocketServer.Sessions;

namespace SharedList.Tests.Support;

/// <summary>An in-memory store that counts reads, to show when the list is (not) rendered.</summary>
internal sealed class CountingStore : IListStore, IStoredList
{
    private readonly InMemoryList _inner = new();

    public int Reads { get; private set; }

    public int Count => _inner.Count;

    public int MaxItems => _inner.MaxItems;

    public ICommitter? Committer => null;

    public string Key => _inner.Key;

    public IStoredList GetList(string key) => this;

    public StoreResult Append(ReadOnlySpan<byte> utf8Item) => _inner.Append(utf8Item);

    public StoreResult Clear() => ((IStoredList)_inner).Clear();

    public StoreResult Read()
    {
        Reads++;
        return _inner.Read();
    }

    public StoreResult Push(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items) => _inner.Push(end, utf8Items);

    public StoreResult Pop(ListEnd end, int count) => _inner.Pop(end, count);

    public StoreResult Range(long start, long stop)
    {
        Reads++;
        return _inner.Range(start, stop);
    }

    StoreResult IStoredList.Count() => ((IStoredList)_inner).Count();

    public StoreResult ListKeys() => StoreResult.Listed(_inner.Count > 0 ? [Key] : []);

    public StoreResult ClearAll() => StoreResult.Cleared(_inner.Clear() > 0 ? 1 : 0);

    public void Dispose()
    {
    }
}
