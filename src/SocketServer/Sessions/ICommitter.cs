namespace SocketServer.Sessions;

/// <summary>
/// The commit step replies wait for: what a batch of requests changed is made durable (written and synced, or sent
/// to a remote store) before any of its replies leaves the server. Commits are numbered by tickets that only grow;
/// one commit covers every ticket issued before it, so many connections share it (group commit).
/// </summary>
/// <remarks>
/// Threading: every member may be called from any thread, concurrently. A commit that fails still completes its
/// tickets: the session learns the failure from its own results and replies with an error, never with a false
/// acknowledgement.
/// </remarks>
public interface ICommitter
{
    /// <summary>
    /// True when a commit returns quickly (a write to the page cache): an event-driven server may then make it on its
    /// own thread, once for a whole round of connections. False when it waits on a disk flush or a network round trip,
    /// which an async server must not wait for on a thread that serves other connections.
    /// </summary>
    bool CommitsQuickly { get; }

    /// <summary>True once the commit that covers <paramref name="ticket"/> has completed, successfully or not.</summary>
    bool IsCommitted(long ticket);

    /// <summary>Blocks until <paramref name="ticket"/> is committed, committing it on this thread when no commit is under way.</summary>
    void Commit(long ticket);

    /// <summary>Completes once <paramref name="ticket"/> is committed.</summary>
    ValueTask CommitAsync(long ticket, CancellationToken cancellationToken = default);
}
