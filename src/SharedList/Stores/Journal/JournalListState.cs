namespace SharedList.Stores.Journal;

/// <summary>
/// A list of a <see cref="JournalListStore"/> that holds at least one item: its items in memory, and its share of the
/// journal. The store drops it once it is empty, so an empty list costs nothing.
/// </summary>
/// <remarks>Threading: read and written under the store's lock.</remarks>
internal sealed class JournalListState
{
    public JournalListState(string key, int maxItems)
    {
        Memory = new InMemoryList(key, maxItems);
    }

    /// <summary>The items, as the journal's records (written or pending) make them.</summary>
    public InMemoryList Memory { get; }

    /// <summary>
    /// The journal bytes the items account for: their pushes' and appends' records, less the share of those popped
    /// since (an estimate: records are not split per item). A clear makes them all dead.
    /// </summary>
    public long LiveBytes { get; set; }

    /// <summary>The number of the last batch that changed the list: a failed batch rebuilds the lists it changed.</summary>
    public long ChangedInBatch { get; set; }

    /// <summary>Counts <paramref name="removed"/> of the <paramref name="before"/> items as popped: their share of <see cref="LiveBytes"/> is dead.</summary>
    /// <returns>The bytes that are now dead.</returns>
    public long Release(int removed, int before)
    {
        var dead = removed >= before ? LiveBytes : LiveBytes * removed / before;
        LiveBytes -= dead;
        return dead;
    }
}
