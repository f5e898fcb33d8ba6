namespace SharedList.Metrics;

/// <summary>A store that can say, cheaply, how long each of its lists is: the lists this process holds, for <see cref="ListMetrics.ListLength"/>.</summary>
/// <remarks>Threading: called from a metrics collection, concurrently with the store's operations; each length may be a moment old.</remarks>
internal interface IListLengths
{
    /// <summary>Each list's name and item count.</summary>
    IEnumerable<KeyValuePair<string, int>> ListLengths();
}
