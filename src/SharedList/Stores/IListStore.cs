namespace SharedList.Stores;

/// <summary>The one list that every client of a server shares.</summary>
/// <remarks>
/// Threading: every member may be called concurrently from any number of connections. Implementations are
/// linearizable: an <see cref="Append"/> that returned before a <see cref="Snapshot"/> began is in that
/// snapshot, and no item is lost or duplicated. Items are valid text (invalid UTF-8 never reaches a store).
/// </remarks>
public interface IListStore
{
    /// <summary>The number of items now.</summary>
    int Count { get; }

    /// <summary>Adds an item at the end of the list.</summary>
    /// <param name="item">The item, already decoded.</param>
    void Append(string item);

    /// <summary>Empties the list.</summary>
    void Clear();

    /// <summary>The list as it is at one instant, for <c>LIST</c>.</summary>
    /// <returns>Items in order. Later appends and clears never change a snapshot already taken.</returns>
    ReadOnlyMemory<string> Snapshot();
}
