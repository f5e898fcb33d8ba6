using SharedList.Stores;
using SocketServer.Diagnostics;

namespace SharedList.Metrics;

/// <summary>What the sessions of one service count, per core, for <see cref="ListMeter"/>; and the store they share, for its lists' lengths.</summary>
/// <remarks>Threading: <see cref="Count"/> from any session's thread; reads from a metrics collection.</remarks>
internal sealed class ServiceCounters
{
    private static readonly int Kinds = Enum.GetValues<Counted>().Length;

    private readonly StripedCounters _counts = new(Kinds);

    public ServiceCounters(IListStore store, string listKey)
    {
        Store = store;
        ListTag = new(ListMetrics.ListTag, listKey);
        ListMeter.Join(this);
    }

    public IListStore Store { get; }

    public KeyValuePair<string, object?> ListTag { get; }

    public void Count(Counted what) => _counts.Increment((int)what);

    public long Read(Counted what) => _counts.Read((int)what);
}
