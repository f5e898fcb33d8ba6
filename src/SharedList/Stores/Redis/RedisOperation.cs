using StackExchange.Redis;

namespace SharedList.Stores.Redis;

/// <summary>What one queued operation does.</summary>
internal enum RedisOperationKind : byte
{
    Append = 1,
    Clear,
    Read,
    Push,
    Pop,
    Range,
    Count,
    ListKeys,
    ClearAll,
}

/// <summary>
/// One operation waiting for its round trip, with what it needs copied from the request (so the request's buffer
/// may be reused at once): the key of its list (none for a whole-store operation) and its arguments.
/// </summary>
/// <param name="Kind">What it does.</param>
/// <param name="Key">The list's key; the default for <see cref="RedisOperationKind.ListKeys"/> and <see cref="RedisOperationKind.ClearAll"/>.</param>
internal readonly record struct RedisOperation(RedisOperationKind Kind, RedisKey Key)
{
    /// <summary>An append's item.</summary>
    public byte[]? Item { get; init; }

    /// <summary>A push's items, in the order given.</summary>
    public byte[][]? Items { get; init; }

    /// <summary>Where a push or a pop works.</summary>
    public ListEnd End { get; init; }

    /// <summary>How many items a pop takes at most.</summary>
    public int Count { get; init; }

    /// <summary>A range's first index.</summary>
    public long Start { get; init; }

    /// <summary>A range's last index, included.</summary>
    public long Stop { get; init; }
}
