using SharedList.Stores;

namespace SharedList.Tests.Stores.Redis;

/// <summary>A store operation taken to its final result, as a session does: wait for its commit, then resolve.</summary>
internal static class CommittedResults
{
    public static StoreResult Committed(this StoreResult result, IListStore store)
    {
        if (result.Ticket != 0)
        {
            store.Committer!.Commit(result.Ticket);
        }

        return result.Resolve();
    }

    public static StoreResult AppendCommitted(this IListStore store, string key, string item) =>
        store.GetList(key).Append(System.Text.Encoding.UTF8.GetBytes(item)).Committed(store);
}
