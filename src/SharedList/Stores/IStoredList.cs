namespace SharedList.Stores;

/// <summary>One named list of an <see cref="IListStore"/>: the operations of the line protocol.</summary>
/// <remarks>
/// Threading: safe for any number of concurrent callers. Operations are linearizable: an append whose result was
/// resolved (its reply could be sent) before a read began is in that read, and no item is lost or duplicated.
/// </remarks>
public interface IStoredList
{
    /// <summary>The list's name in its store.</summary>
    string Key { get; }

    /// <summary>Adds an item at the end, unless the list already holds its store's <see cref="IListStore.MaxItems"/>.</summary>
    /// <param name="utf8Item">The item as UTF-8, which the session has already validated.</param>
    /// <returns><see cref="StoreOutcome.Appended"/>, or <see cref="StoreOutcome.Full"/> when nothing was stored.</returns>
    StoreResult Append(ReadOnlySpan<byte> utf8Item);

    /// <summary>Empties the list.</summary>
    /// <returns><see cref="StoreOutcome.Cleared"/>.</returns>
    StoreResult Clear();

    /// <summary>The list as it is at one instant, for <c>LIST</c>.</summary>
    /// <returns><see cref="StoreOutcome.Read"/> with the <see cref="StoreResult.Snapshot"/>.</returns>
    StoreResult Read();

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
