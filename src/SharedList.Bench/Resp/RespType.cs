namespace SharedList.Bench.Resp;

/// <summary>The RESP2 value types, named after the byte that starts each.</summary>
public enum RespType
{
    /// <summary><c>+OK\r\n</c></summary>
    SimpleString,

    /// <summary><c>-ERR message\r\n</c></summary>
    Error,

    /// <summary>A RESP integer, <c>:42\r\n</c>.</summary>
    Number,

    /// <summary><c>$5\r\nhello\r\n</c>, or the null bulk string <c>$-1\r\n</c>.</summary>
    BulkString,

    /// <summary><c>*2\r\n…</c>, or the null array <c>*-1\r\n</c>.</summary>
    Array,
}
