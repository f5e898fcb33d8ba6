namespace SharedList.Tests.Durability;

/// <summary>
/// What one load client sent and what the server acknowledged, in order. The client sends one item at a time
/// and waits for its reply, so at most its last item is in flight (sent, no reply) when the server dies.
/// </summary>
/// <remarks>Written by the client's own task only; read once that task has ended.</remarks>
internal sealed class ClientHistory(int client)
{
    private readonly List<string> _sent = [];

    public int Client { get; } = client;

    /// <summary>Every item sent, in the order sent.</summary>
    public IReadOnlyList<string> Sent => _sent;

    /// <summary>How many of <see cref="Sent"/>, from the first, were answered <c>Ack</c>.</summary>
    public int Acked { get; private set; }

    /// <summary>Replies other than <c>Ack</c>, with the item they answered.</summary>
    public List<string> OtherReplies { get; } = [];

    public void RecordSent(string item) => _sent.Add(item);

    public void RecordReply(string item, string reply)
    {
        if (reply == "Ack")
        {
            Acked++;
        }
        else
        {
            OtherReplies.Add($"{item} -> {reply}");
        }
    }
}
