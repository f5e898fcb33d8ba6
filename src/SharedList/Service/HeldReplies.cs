using System.Buffers;

namespace SharedList.Service;

/// <summary>
/// The replies a session holds back until a store's commit (docs/ARCHITECTURE.md, "The commit step"), in request
/// order: once one is held, every later reply is held behind it, so replies never overtake each other. Written after
/// the commit a budget at a time. Shared by the line protocol's session and the Redis protocol's.
/// </summary>
/// <typeparam name="TReply">What the session needs to write a reply later: a store result and how to render it.</typeparam>
/// <remarks>One per session; not thread-safe.</remarks>
internal sealed class HeldReplies<TReply>
{
    /// <summary>
    /// Replies one connection holds for a commit before it stops reading its input: a bound on what a client that
    /// pipelines tiny messages makes the server keep, far above what one commit usually covers.
    /// </summary>
    public const int MaxHeldReplies = 1024;

    private readonly List<TReply> _held = [];
    private int _written;

    /// <summary>The ticket the held replies wait for (<see cref="SocketServer.Sessions.ICommittingSession.CommitTicket"/>); 0 once their commit is done or none is held.</summary>
    public long Ticket { get; private set; }

    /// <summary>True when no reply is held: a new one may be written at once.</summary>
    public bool IsEmpty => _held.Count == 0;

    /// <summary>True when the session must stop reading its input until the commit.</summary>
    public bool IsFull => _held.Count >= MaxHeldReplies;

    /// <summary>Holds <paramref name="reply"/> behind the others; <paramref name="ticket"/> is the commit it waits for, or 0 when it only waits its turn.</summary>
    public void Hold(in TReply reply, long ticket)
    {
        _held.Add(reply);
        Ticket = Math.Max(Ticket, ticket);
    }

    /// <summary>After the commit: writes the held replies in order until <paramref name="output"/> holds <paramref name="budget"/> bytes.</summary>
    /// <param name="writer">Renders each reply.</param>
    /// <param name="output">Where they go; a <see cref="CountingBufferWriter"/> is kept to the budget, any other writer takes them all.</param>
    /// <param name="budget">The output budget.</param>
    /// <returns>True when every held reply has been written and none goes on in a later call.</returns>
    public bool WriteSome<TWriter>(TWriter writer, IBufferWriter<byte> output, long budget)
        where TWriter : IHeldReplyWriter<TReply>
    {
        Ticket = 0;
        var counting = output as CountingBufferWriter;
        while (_written < _held.Count)
        {
            if (counting is not null && counting.Written >= budget)
            {
                return false;
            }

            var reply = _held[_written];

            // Dropped at once: a held read's snapshot should not outlive its reply.
            _held[_written++] = default!;
            if (!writer.WriteHeld(output, reply))
            {
                return false;
            }
        }

        _held.Clear();
        _written = 0;
        return true;
    }
}
