using SocketServer.Sessions;

namespace SocketServer.Connections;

/// <summary>
/// One commit for every connection served in a round of an event loop or a reactor, as Redis writes its AOF once per
/// loop before it replies: the rule the select and epoll loops and the async model's reactors share.
/// </summary>
internal static class RoundCommit
{
    /// <summary>Commits, once per committer (in practice one), the tickets of every connection in <paramref name="connections"/> that awaits one.</summary>
    public static void CommitAll<T>(List<T> connections)
        where T : ConnectionDriver
    {
        ICommitter? committer = null;
        long through = 0;
        foreach (var connection in connections)
        {
            if (!connection.AwaitingCommit)
            {
                continue;
            }

            if (committer is not null && !ReferenceEquals(committer, connection.Committer))
            {
                committer.Commit(through);
                through = 0;
            }

            committer = connection.Committer;
            through = Math.Max(through, connection.CommitTicket);
        }

        committer?.Commit(through);
    }
}

/// <summary>A connection that left its burst to wait for its reactor round's commit.</summary>
internal interface IRoundCommitWaiter
{
    /// <summary>Its driver, awaiting a commit.</summary>
    ConnectionDriver Driver { get; }

    /// <summary>Runs its next burst, once the round's commit is done.</summary>
    void ResumeAfterCommit();
}

/// <summary>
/// The connections of one reactor round waiting for its commit. A reactor thread owns one: connections whose session
/// holds replies for a quick commit (a write to the page cache) join it instead of each committing at once, and the
/// reactor commits once at the end of the round, then resumes them.
/// </summary>
/// <remarks>Threading: used only by its reactor thread (found through <see cref="Current"/>).</remarks>
internal sealed class ReactorRoundCommits
{
    [ThreadStatic]
    private static ReactorRoundCommits? t_current;

    private List<IRoundCommitWaiter> _waiting = [];
    private List<IRoundCommitWaiter> _resuming = [];
    private readonly List<ConnectionDriver> _drivers = [];

    /// <summary>The round of the reactor this thread runs; null on any other thread.</summary>
    public static ReactorRoundCommits? Current => t_current;

    /// <summary>True when connections wait: the reactor must not block before the round's end.</summary>
    public bool HasWaiting => _waiting.Count > 0;

    /// <summary>Makes this the round of the calling (reactor) thread.</summary>
    public void Enter() => t_current = this;

    /// <summary>Whether <paramref name="driver"/>'s commit may wait for the round's end: a quick commit, not yet done.</summary>
    public static bool CanWait(ConnectionDriver driver) =>
        driver is { AwaitingCommit: true, Committer: { CommitsQuickly: true } committer } && !committer.IsCommitted(driver.CommitTicket);

    /// <summary>Adds <paramref name="waiter"/> to the round.</summary>
    public void Add(IRoundCommitWaiter waiter) => _waiting.Add(waiter);

    /// <summary>At the round's end: one commit for everything waiting, then each connection resumes (and may join the next round).</summary>
    public void CommitAndResume()
    {
        if (_waiting.Count == 0)
        {
            return;
        }

        (_waiting, _resuming) = (_resuming, _waiting);
        foreach (var waiter in _resuming)
        {
            _drivers.Add(waiter.Driver);
        }

        try
        {
            RoundCommit.CommitAll(_drivers);
        }
        finally
        {
            _drivers.Clear();

            // A commit that threw leaves each connection to commit for itself when it resumes.
            foreach (var waiter in _resuming)
            {
                waiter.ResumeAfterCommit();
            }

            _resuming.Clear();
        }
    }
}
