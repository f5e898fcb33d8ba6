namespace SocketServer.Sessions;

/// <summary>
/// A session whose replies may wait for a commit step (<see cref="ICommitter"/>). After <see cref="ISession.Process"/>
/// it may hold replies back, naming the ticket they wait for; the server commits it, then calls
/// <see cref="ISession.Process"/> again (with whatever input is left), and the session writes them.
/// </summary>
/// <remarks>
/// Every model does the same thing at the same point (<see cref="Connections.ConnectionDriver"/>): an event loop
/// processes everything it read in a round, commits once, then sends; a thread per connection waits for a shared
/// commit; the async model awaits it. No reply is sent before the commit its batch waits for.
/// </remarks>
public interface ICommittingSession : ISession
{
    /// <summary>The commit step this session's held replies wait for.</summary>
    ICommitter Committer { get; }

    /// <summary>The ticket the held replies wait for; 0 when none is held.</summary>
    long CommitTicket { get; }
}
