namespace SharedList.Service;

/// <summary>How a <see cref="RespSession"/> writes a store result as its reply, now or once its commit is done.</summary>
internal enum RespReplyKind : byte
{
    /// <summary>Bytes already written: the held reply's extra.</summary>
    Fixed,

    /// <summary><c>:length</c> (pushes, <c>LLEN</c>, <c>DBSIZE</c>).</summary>
    Length,

    /// <summary>The snapshot's items as an array (<c>LRANGE</c>, a pop with a count).</summary>
    Items,

    /// <summary>The removed item, or nil for a list that did not exist.</summary>
    PopOne,

    /// <summary>The removed items, or the nil array for a list that did not exist.</summary>
    PopMany,

    /// <summary>A pop of 0 items: the empty array, or the nil array for a list that did not exist.</summary>
    PopNone,

    /// <summary>The one item read, or nil.</summary>
    Index,

    /// <summary><c>:1</c> when the list had items, <c>:0</c> otherwise (<c>DEL</c>, <c>EXISTS</c> of one key).</summary>
    Existed,

    /// <summary>The number of lists that had items, of the results in the held reply's extra.</summary>
    ExistedSum,

    /// <summary><c>+list</c> or <c>+none</c>.</summary>
    Type,

    /// <summary>The keys matching the key filter in the held reply's extra.</summary>
    Keys,

    /// <summary>The same, in <c>SCAN</c>'s reply, with cursor 0.</summary>
    Scan,

    /// <summary><c>+OK</c>.</summary>
    Ok,

    /// <summary>The <c>INFO</c> text for the sections in the held reply's extra, with the number of keys.</summary>
    Info,
}
