namespace SharedList.Tests.Durability;

/// <summary>
/// What one load client sent and what the server acknowledged, in order. The client sends one item at a time
/// and waits for its reply, so at most its last item is in flight (sent, no reply) when the server dies.
/// An item refused (an error reply) may be followed by one acknowledged.
/// </summary>
/// <remarks>Written by the client's own task only; read once that task has ended.</remarks>
internal sealed class ClientHistory(int client)
{
    private readonly List<string> _sent = [];

    public int Client { get; } = client;

    /// <summary>Every item sent, in the order sent.</summary>
    public IReadOnlyList<string> Sent => _sent;

    private readonly List<string> _acknowledged = [];

    /// <summary>The items answered <c>Ack</c>, in the order sent.</summary>
    public IReadOnlyList<string> Acknowledged => _acknowledged;

    /// <summary>How many items were answered <c>Ack</c>.</summary>
    public int Acked => _acknowledged.Count;

    /// <summary>Replies other than <c>Ack</c>, with the item they answered.</summary>
    public List<string> OtherReplies { get; } = [];

    public void RecordSent(string item) => _sent.Add(item);

    public void RecordReply(string item, string reply)
    {
        if (reply == "Ack")
        {
            _acknowledged.Add(item);
        }
        else
        {
            OtherReplies.Add($"{item} -> {reply}");
        }
    }
}
