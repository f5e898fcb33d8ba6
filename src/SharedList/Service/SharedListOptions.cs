using SharedList.Protocol;

namespace SharedList.Service;

/// <summary>How the shared-list service talks to its clients.</summary>
public sealed record SharedListOptions
{
    /// <summary>
    /// The default for <see cref="MaxMessageBytes"/>: 64 KiB. Far above what the course's clients send (the
    /// seed reads with <c>recv(1024)</c>) and above the largest UDP payload (65,507 bytes), so no valid
    /// datagram is refused; small enough that a client that never sends <c>\n</c> holds at most 64 KiB of
    /// server memory per connection.
    /// </summary>
    public const int DefaultMaxMessageBytes = 65536;

    /// <summary>
    /// The default for <see cref="OutputBudgetBytes"/>: 64 KiB, enough for hundreds of pipelined replies per
    /// send, and small enough that 10,000 connections that stop reading hold at most about 640 MB.
    /// </summary>
    public const int DefaultOutputBudgetBytes = 65536;

    /// <summary>The default for <see cref="ListKey"/>: <c>sharedlist</c>, the name Redis tools see the list under.</summary>
    public const string DefaultListKey = "sharedlist";

    private readonly int _maxMessageBytes = DefaultMaxMessageBytes;
    private readonly string _listKey = DefaultListKey;
    private readonly int _outputBudgetBytes = DefaultOutputBudgetBytes;

    /// <summary>
    /// The name of the list the line protocol serves, in a store of named lists: the key a Redis client sees it
    /// under. Not empty.
    /// </summary>
    public string ListKey
    {
        get => _listKey;
        init
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            _listKey = value;
        }
    }

    /// <summary>How stream connections are framed. Datagrams are always <see cref="Framing.Raw"/>.</summary>
    public Framing Framing { get; init; } = Framing.Line;

    /// <summary>
    /// Replies a session writes before it lets the server send them (<c>OutputPending</c>): the bound on reply
    /// bytes the server holds for one connection. A longer reply (a big <c>LIST</c>) goes out in pieces of
    /// this size. Must be positive.
    /// </summary>
    public int OutputBudgetBytes
    {
        get => _outputBudgetBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _outputBudgetBytes = value;
        }
    }

    /// <summary>The largest message accepted, in bytes, not counting the line terminator. Must be positive.</summary>
    public int MaxMessageBytes
    {
        get => _maxMessageBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxMessageBytes = value;
        }
    }

    /// <summary>
    /// The password a stream client must send with <c>AUTH</c> before anything else is served; null (the
    /// default) serves everyone. A datagram cannot authenticate (each is its own session), so with a
    /// password every datagram but <c>AUTH</c> is refused.
    /// </summary>
    public Password? Password { get; init; }

    /// <summary>
    /// Logs each change to the list (an append, <c>CLEAR</c>) with the resulting list at Information, as the lab's
    /// server prints <c>lista= [...]</c>; otherwise requests are logged at Debug only. Renders the whole list per
    /// change: for the lab, not for load.
    /// </summary>
    public bool LogChanges { get; init; }
}
