using StackExchange.Redis;

namespace SharedList.Stores.Redis;

/// <summary>One list of a <see cref="RedisListStore"/>: the Redis list under the key of the same name.</summary>
/// <remarks>Threading: safe for any number of callers; every operation is queued for the store's next round trip.</remarks>
internal sealed class RedisStoredList : IStoredList
{
    private static readonly StoreResult ProvisionalRead = StoreResult.Read(default);

    private readonly RedisListStore _store;

    public RedisStoredList(RedisListStore store, string key)
    {
        _store = store;
        Key = key;
        RedisKey = key;
    }

    /// <inheritdoc/>
    public string Key { get; }

    /// <summary>The key in Redis: the list's name, exactly.</summary>
    public RedisKey RedisKey { get; }

    /// <inheritdoc/>
    public StoreResult Append(ReadOnlySpan<byte> utf8Item) =>
        _store.Enqueue(new RedisOperation(RedisOperationKind.Append, this, utf8Item.ToArray()), StoreResult.Appended);

    /// <inheritdoc/>
    public StoreResult Clear() => _store.Enqueue(new RedisOperation(RedisOperationKind.Clear, this, null), StoreResult.Cleared(0));

    /// <inheritdoc/>
    public StoreResult Read() => _store.Enqueue(new RedisOperation(RedisOperationKind.Read, this, null), ProvisionalRead);

    /// <inheritdoc/>
    public StoreResult Push(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items) => throw new NotImplementedException();

    /// <inheritdoc/>
    public StoreResult Pop(ListEnd end, int count) => throw new NotImplementedException();

    /// <inheritdoc/>
    public StoreResult Range(long start, long stop) => throw new NotImplementedException();

    /// <inheritdoc/>
    public StoreResult Count() => throw new NotImplementedException();
}
