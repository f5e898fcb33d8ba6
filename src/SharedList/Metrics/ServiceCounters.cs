using SharedList.Protocol.Resp;
using SharedList.Stores;
using SocketServer.Diagnostics;

namespace SharedList.Metrics;

/// <summary>What the sessions of one service count, per core, for <see cref="ListMeter"/>; and the store they share, for its lists' lengths.</summary>
/// <remarks>Threading: <see cref="Count"/> from any session's thread; reads from a metrics collection.</remarks>
internal sealed class ServiceCounters
{
    private static readonly int Kinds = Enum.GetValues<Counted>().Length;

    private readonly StripedCounters _counts = new(Kinds);

    // The Redis protocol's requests, by command; null for the line protocol, whose commands are in Counted.
    private readonly StripedCounters? _respCommands;

    /// <summary>The line protocol's counts, tagged with the list it serves.</summary>
    public ServiceCounters(IListStore store, string listKey)
        : this(store, new(ListMetrics.ListTag, listKey), respCommands: null)
    {
    }

    private ServiceCounters(IListStore store, KeyValuePair<string, object?> tag, StripedCounters? respCommands)
    {
        Store = store;
        Tag = tag;
        _respCommands = respCommands;
        ListMeter.Join(this);
    }

    public IListStore Store { get; }

    /// <summary>The tag every count of this service carries: the line protocol's list, or the Redis protocol.</summary>
    public KeyValuePair<string, object?> Tag { get; }

    /// <summary>True for the Redis protocol's counts, whose requests are counted by <see cref="CountResp"/>.</summary>
    public bool IsResp => _respCommands is not null;

    /// <summary>The Redis protocol's counts, tagged <see cref="ListMetrics.ProtocolTag"/> <c>resp</c>.</summary>
    public static ServiceCounters ForResp(IListStore store) =>
        new(store, new(ListMetrics.ProtocolTag, "resp"), new StripedCounters(Enum.GetValues<RespCommandId>().Length));

    public void Count(Counted what) => _counts.Increment((int)what);

    public long Read(Counted what) => _counts.Read((int)what);

    /// <summary>Counts a Redis-protocol request of <paramref name="command"/>.</summary>
    public void CountResp(RespCommandId command) => _respCommands!.Increment((int)command);

    public long ReadResp(RespCommandId command) => _respCommands!.Read((int)command);
}
