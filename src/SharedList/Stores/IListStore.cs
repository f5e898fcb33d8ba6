namespace SharedList.Stores;

/// <summary>The one list that every client of a server shares.</summary>
/// <remarks>
/// Threading: every member may be called concurrently from any number of connections. Implementations are
/// linearizable: a <see cref="TryAppend"/> that returned before a <see cref="Snapshot"/> began is in that
/// snapshot, and no item is lost or duplicated.
/// </remarks>
public interface IListStore
{
    /// <summary>The number of items now.</summary>
    int Count { get; }

    /// <summary>The most items the list holds; an append past it is refused.</summary>
    int MaxItems { get; }

    /// <summary>Adds an item at the end of the list, unless the list already holds <see cref="MaxItems"/>.</summary>
    /// <param name="utf8Item">The item as UTF-8, which the session has already validated. Should an invalid
    /// sequence reach a store anyway, it is kept as U+FFFD, as <see cref="System.Text.Encoding.UTF8"/> decodes it.</param>
    /// <returns>False when the list is full and nothing was stored.</returns>
    bool TryAppend(ReadOnlySpan<byte> utf8Item);

    /// <summary>Empties the list.</summary>
    void Clear();

    /// <summary>The list as it is at one instant, for <c>LIST</c>.</summary>
    /// <returns>The items in order, ready to be written as <c>str(list)</c>. Later appends and clears never change
    /// a snapshot already taken.</returns>
    ListSnapshot Snapshot();
}
