namespace SharedList.Protocol;

/// <summary>What a request asks the server to do.</summary>
public enum Command
{
    /// <summary>Any message that is not a keyword (the empty message too): append it to the list.</summary>
    Append,

    /// <summary>Exactly <c>LIST</c>: reply with the list as Python's <c>str(list)</c>.</summary>
    List,

    /// <summary>Exactly <c>CLEAR</c>: empty the list.</summary>
    Clear,

    /// <summary><c>AUTH</c>, one space, then the password (the rest of the message, spaces included).</summary>
    Auth,
}
