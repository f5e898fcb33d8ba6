using SharedList.Stores;

namespace SharedList.Tests.Support;

/// <summary>
/// A store whose commits wait for the test: operations are applied in memory at once, as the journal does, and their
/// results wait for a commit that runs only once <see cref="Open"/> is called (and that fails when told to).
/// </summary>
internal sealed class GatedStore : GroupCommitter, IListStore
{
    private readonly MemoryListStore _memory;
    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _open = new(initialState: false);
    private CommitBatch _batch = new();
    private long _issued;
    private int _waiting;
    private int _commits;
    private string? _failure;

    public GatedStore(int maxItems = InMemoryList.DefaultMaxItems) => _memory = new MemoryListStore(maxItems);

    public int MaxItems => _memory.MaxItems;

    public SocketServer.Sessions.ICommitter Committer => this;

    /// <summary>Operations issued so far.</summary>
    public long Issued => Volatile.Read(ref _issued);

    /// <summary>Commits waiting at the gate.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Commits done.</summary>
    public int Commits => Volatile.Read(ref _commits);

    public MemoryStoredList Memory(string key) => _memory.GetList(key);

    /// <summary>Lets commits through, from now on.</summary>
    public void Open() => _open.Set();

    /// <summary>Makes the commits from now on fail for <paramref name="reason"/>; null to succeed again.</summary>
    public void FailWith(string? reason) => Volatile.Write(ref _failure, reason);

    public IStoredList GetList(string key) => new GatedList(this, _memory.GetList(key));

    public StoreResult ListKeys() => Pending(_memory.ListKeys);

    public StoreResult ClearAll() => Pending(_memory.ClearAll);

    public void Dispose() => _open.Dispose();

    public override bool CommitsQuickly => false;

    protected override long CommitPending()
    {
        Interlocked.Increment(ref _waiting);
        _open.Wait(TimeSpan.FromSeconds(30));
        Interlocked.Decrement(ref _waiting);
        CommitBatch batch;
        long through;
        lock (_gate)
        {
            batch = _batch;
            through = _issued;
            _batch = new CommitBatch();
        }

        if (Volatile.Read(ref _failure) is { } reason)
        {
            batch.Fail(reason);
        }

        Interlocked.Increment(ref _commits);
        return through;
    }

    private StoreResult Pending(Func<StoreResult> apply)
    {
        lock (_gate)
        {
            var result = apply();
            return StoreResult.Pending(result, ++_issued, _batch);
        }
    }

    private sealed class GatedList(GatedStore store, IStoredList list) : IStoredList
    {
        public string Key => list.Key;

        public StoreResult Append(ReadOnlySpan<byte> utf8Item)
        {
            var item = utf8Item.ToArray();
            return store.Pending(() => list.Append(item));
        }

        public StoreResult Clear() => store.Pending(((IStoredList)list).Clear);

        public StoreResult Read() => store.Pending(list.Read);

        public StoreResult Push(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items)
        {
            ReadOnlyMemory<byte>[] items = [.. utf8Items.Select(item => (ReadOnlyMemory<byte>)item.ToArray())];
            return store.Pending(() => list.Push(end, items));
        }

        public StoreResult Pop(ListEnd end, int count) => store.Pending(() => list.Pop(end, count));

        public StoreResult Range(long start, long stop) => store.Pending(() => list.Range(start, stop));

        public StoreResult Count() => store.Pending(((IStoredList)list).Count);
    }
}
