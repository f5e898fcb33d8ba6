using SocketServer.Sessions;

namespace SharedList.Stores;

/// <summary>
/// Where the lists live: named lists, each created empty on first use. The line protocol serves one of them
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

    /// <summary>The list named <paramref name="key"/>, created empty on first use. Cheap to keep: a session resolves its list once.</summary>
    /// <param name="key">The list's name, as Redis names a key.</param>
    IStoredList GetList(string key);
}
