namespace SharedList.Stores;

/// <summary>Which end of a list an operation works on: Redis's <c>L</c> and <c>R</c> commands.</summary>
public enum ListEnd : byte
{
    /// <summary>The first item: <c>LPUSH</c>, <c>LPOP</c>.</summary>
    Head,

    /// <summary>The last item: <c>RPUSH</c>, <c>RPOP</c>, and the line protocol's append.</summary>
    Tail,
}
