namespace SharedList.Stores;

/// <summary>One named list of an <see cref="IListStore"/>: the operations of the line protocol and of Redis's list commands.</summary>
/// <remarks>
/// <para>Threading: safe for any number of concurrent callers. Operations are linearizable: an operation whose result
/// was resolved (its reply could be sent) before another began is seen by it, and no item is lost or duplicated.</para>
/// <para>As in Redis, a list that holds no item does not exist: emptying a list (a clear, or popping its last item)
/// deletes it, and reading one that does not exist reads an empty list. Getting a list's handle creates nothing.</para>
/// <para>Items are UTF-8 text, which the session has already validated; an invalid sequence that reaches a store
/// anyway is kept as U+FFFD, as <see cref="System.Text.Encoding.UTF8"/> decodes it.</para>
/// </remarks>
public interface IStoredList
{
    /// <summary>The list's name in its store.</summary>
    string Key { get; }

    /// <summary>Adds an item at the end, unless the list already holds its store's <see cref="IListStore.MaxItems"/>.</summary>
    /// <param name="utf8Item">The item as UTF-8.</param>
    /// <returns><see cref="StoreOutcome.Appended"/>, or <see cref="StoreOutcome.Full"/> when nothing was stored.</returns>
    StoreResult Append(ReadOnlySpan<byte> utf8Item);

    /// <summary>Empties the list (the line protocol's <c>CLEAR</c>, Redis's <c>DEL</c>).</summary>
    /// <returns><see cref="StoreOutcome.Cleared"/>, with <see cref="StoreResult.Length"/> the number of items removed.</returns>
    StoreResult Clear();

    /// <summary>The list as it is at one instant, for <c>LIST</c>.</summary>
    /// <returns><see cref="StoreOutcome.Read"/> with the <see cref="StoreResult.Snapshot"/>.</returns>
    StoreResult Read();

    /// <summary>
    /// Pushes <paramref name="utf8Items"/> at one end, in order, as <c>RPUSH</c> and <c>LPUSH</c> do (so <c>LPUSH</c>
    /// of a, b leaves b first): all of them, or none when the list cannot take them all under
    /// <see cref="IListStore.MaxItems"/>.
    /// </summary>
    /// <param name="end">Where they go.</param>
    /// <param name="utf8Items">One or more items, as UTF-8; the store copies what it keeps before it returns.</param>
    /// <returns><see cref="StoreOutcome.Pushed"/> with <see cref="StoreResult.Length"/> the length after, or <see cref="StoreOutcome.Full"/>.</returns>
    StoreResult Push(ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items);

    /// <summary>Removes up to <paramref name="count"/> items from one end, as <c>LPOP</c> and <c>RPOP</c> with a count.</summary>
    /// <param name="end">Where they are taken from.</param>
    /// <param name="count">At least 1.</param>
    /// <returns>
    /// <see cref="StoreOutcome.Read"/>: <see cref="StoreResult.Snapshot"/> holds the items removed in the order they
    /// were removed (so the last item first for <see cref="ListEnd.Tail"/>), and <see cref="StoreResult.Length"/> the
    /// list's length before (0: the list did not exist).
    /// </returns>
    StoreResult Pop(ListEnd end, int count);

    /// <summary>
    /// The items from <paramref name="start"/> to <paramref name="stop"/>, both included, as <c>LRANGE</c>: a negative
    /// index counts from the end (-1 is the last item), and indexes past either end are clamped.
    /// </summary>
    /// <returns><see cref="StoreOutcome.Read"/>: the items in <see cref="StoreResult.Snapshot"/>, the list's length in <see cref="StoreResult.Length"/>.</returns>
    StoreResult Range(long start, long stop);

    /// <summary>The number of items, as <c>LLEN</c>.</summary>
    /// <returns><see cref="StoreOutcome.Counted"/> with <see cref="StoreResult.Length"/>.</returns>
    StoreResult Count();

    /// <summary>
    /// The list as this process holds it, with no effect on the store, for a log line; false for a store that keeps
    /// the list elsewhere (Redis), where reading it is a request of its own.
    /// </summary>
    bool TryPeek(out ListSnapshot snapshot)
    {
        snapshot = default;
        return false;
    }
}
