namespace SharedList.Bench.Load;

/// <summary>The protocol the load engine speaks (<c>sharedlist bench --protocol</c>).</summary>
public enum LoadProtocol
{
    /// <summary>The shared-list line protocol (docs/PROTOCOL.md).</summary>
    Line,

    /// <summary>RESP2, as a Redis client: <c>RPUSH</c> and <c>LRANGE</c> on one key.</summary>
    Resp,
}
