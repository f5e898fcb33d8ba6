using SocketServer.Sessions;

namespace SharedList.Stores;

/// <summary>
/// Where the lists live: named lists, each existing while it holds an item, as Redis keys do. The line protocol serves one of them
/// (<c>--list-key</c>); the memory, journal and Redis stores all implement this, and one conformance suite tests them.
/// </summary>
/// <remarks>
/// <para>Threading: every member may be called concurrently from any number of connections.</para>
/// <para>An operation returns a <see cref="StoreResult"/>. A store whose operations are done when they return (the
/// memory store) has no <see cref="Committer"/> and returns results with no ticket. Otherwise a result names the
/// ticket of the commit that makes it true (the journal: written and synced) or tells it (Redis: the round trip),
/// and its reply waits for that commit; <see cref="StoreResult.Resolve"/> then gives the final outcome, which may be
/// <see cref="StoreOutcome.Unavailable"/> when the commit failed.</para>
/// </remarks>
public interface IListStore : IDisposable
{
    /// <summary>The most items one list holds; an append past it is refused.</summary>
    int MaxItems { get; }

    /// <summary>The commit step replies wait for; null when every operation is complete when it returns.</summary>
    ICommitter? Committer { get; }

    /// <summary>The handle of the list named <paramref name="key"/>, which need not exist yet: getting it stores nothing. Cheap to keep.</summary>
    /// <param name="key">The list's name, as Redis names a key.</param>
    IStoredList GetList(string key);

    /// <summary>The names of the lists that hold at least one item, for <c>KEYS</c>, <c>SCAN</c> and <c>DBSIZE</c>.</summary>
    /// <returns><see cref="StoreOutcome.Listed"/> with <see cref="StoreResult.Keys"/>, in no particular order.</returns>
    StoreResult ListKeys();

    /// <summary>Empties every list, as <c>FLUSHDB</c>.</summary>
    /// <returns><see cref="StoreOutcome.Cleared"/>, with <see cref="StoreResult.Length"/> the number of lists emptied.</returns>
    StoreResult ClearAll();
}
