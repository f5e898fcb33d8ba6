namespace SharedList.Bench.Load;

/// <summary>The requests the load engine sends.</summary>
public enum RequestKind
{
    /// <summary>Append one item: the item as a line, or RESP <c>RPUSH key item</c>.</summary>
    Append,

    /// <summary>Read the whole list: <c>LIST</c>, or RESP <c>LRANGE key 0 -1</c>.</summary>
    List,
}
