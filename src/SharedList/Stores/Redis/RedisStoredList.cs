using StackExchange.Redis;

namespace SharedList.Stores.Redis;

/// <summary>One list of a <see cref="RedisListStore"/>: the Redis list under the key of the same name.</summary>
/// <remarks>Threading: safe for any number of callers; every operation is queued for the store's next round trip. Holds
/// only its key: a handle is made for each <see cref="RedisListStore.GetList"/>.</remarks>
internal sealed class RedisStoredList : IStoredList
{
    private static readonly StoreResult ProvisionalRead = StoreResult.Read(default);
    private static readonly StoreResult ProvisionalPush = StoreResult.Pushed(0);
    private static readonly StoreResult ProvisionalCount = StoreResult.Counted(0);

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
        _store.Enqueue(new RedisOperation(RedisOperationKind.Append, RedisKey) { Item = utf8Item.ToArray() }, StoreResult.Appended);

    /// <inheritdoc/>
    public StoreResult Clear() => _store.Enqueue(new RedisOperation(RedisOperationKind.Clear, RedisKey), StoreResult.Cleared(0));

    /// <inheritdoc/>
    public StoreResult Read() => _store.Enqueue(new RedisOperation(RedisOperationKind.Read, RedisKey), ProvisionalRead);

    /// <inheritdoc/>
    public StoreResult Push(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items)
    {
        ArgumentNullException.ThrowIfNull(utf8Items);
        ArgumentOutOfRangeException.ThrowIfZero(utf8Items.Count, nameof(utf8Items));
        var items = new byte[utf8Items.Count][];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = utf8Items[i].ToArray();
        }

        return _store.Enqueue(new RedisOperation(RedisOperationKind.Push, RedisKey) { End = end, Items = items }, ProvisionalPush);
    }

    /// <inheritdoc/>
    public StoreResult Pop(ListEnd end, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return _store.Enqueue(new RedisOperation(RedisOperationKind.Pop, RedisKey) { End = end, Count = count }, ProvisionalRead);
    }

    /// <inheritdoc/>
    public StoreResult Range(long start, long stop) =>
        _store.Enqueue(new RedisOperation(RedisOperationKind.Range, RedisKey) { Start = start, Stop = stop }, ProvisionalRead);

    /// <inheritdoc/>
    public StoreResult Count() => _store.Enqueue(new RedisOperation(RedisOperationKind.Count, RedisKey), ProvisionalCount);
}
