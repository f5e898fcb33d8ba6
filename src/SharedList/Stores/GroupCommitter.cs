using System.Diagnostics;
using SharedList.Metrics;
using SocketServer.Sessions;

namespace SharedList.Stores;

/// <summary>
/// Group commit for a store: whoever needs a commit and finds none under way commits everything pending on its own
/// thread (the leader); whoever finds one under way waits for it, and leads the next if the one under way did not
/// cover its ticket. So while one write and fsync (or one round trip) is in flight, the operations of every other
/// connection gather into the next, and one commit serves them all: an event loop's round, many threads, many
/// awaiting connections.
/// </summary>
/// <remarks>Threading: safe from any thread. <see cref="CommitPending"/> runs on one thread at a time.</remarks>
public abstract class GroupCommitter : ICommitter
{
    private readonly object _gate = new();
    private long _committed;
    private bool _committing;
    private TaskCompletionSource? _nextCommit;

    /// <inheritdoc/>
    public bool IsCommitted(long ticket) => Volatile.Read(ref _committed) >= ticket;

    /// <inheritdoc/>
    public void Commit(long ticket)
    {
        while (!IsCommitted(ticket))
        {
            lock (_gate)
            {
                if (IsCommitted(ticket))
                {
                    return;
                }

                if (_committing)
                {
                    Monitor.Wait(_gate);
                    continue;
                }

                _committing = true;
            }

            Lead();
        }
    }

    /// <inheritdoc/>
    public ValueTask CommitAsync(long ticket, CancellationToken cancellationToken = default) =>
        IsCommitted(ticket) ? ValueTask.CompletedTask : CommitSlowlyAsync(ticket, cancellationToken);

    /// <summary>
    /// Commits every operation issued so far and returns the last ticket it covered. Marks the batch failed
    /// (<see cref="CommitBatch.Fail"/>) rather than throwing when the commit cannot be done: its tickets still complete.
    /// </summary>
    protected abstract long CommitPending();

    /// <summary>
    /// True when a commit returns quickly (a write to the page cache): an awaiting caller that leads commits on its own
    /// thread. False when it waits on a disk flush or a network round trip: the awaiting caller's thread (an async
    /// server's reactor, serving other connections) is not held, and the commit runs on the thread pool.
    /// </summary>
    protected virtual bool CommitsQuickly => true;

    private async ValueTask CommitSlowlyAsync(long ticket, CancellationToken cancellationToken)
    {
        while (!IsCommitted(ticket))
        {
            Task? underWay = null;
            lock (_gate)
            {
                if (IsCommitted(ticket))
                {
                    return;
                }

                if (_committing)
                {
                    underWay = (_nextCommit ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
                else
                {
                    _committing = true;
                }
            }

            if (underWay is null)
            {
                if (CommitsQuickly)
                {
                    Lead();
                }
                else
                {
                    await Task.Run(Lead, CancellationToken.None).ConfigureAwait(false);
                }
            }
            else
            {
                await underWay.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Lead()
    {
        var through = 0L;
        var before = Volatile.Read(ref _committed);
        var started = ListMeter.CommitDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        try
        {
            through = CommitPending();
        }
        finally
        {
            TaskCompletionSource? waiting;
            lock (_gate)
            {
                if (through > _committed)
                {
                    Volatile.Write(ref _committed, through);
                }

                _committing = false;
                waiting = _nextCommit;
                _nextCommit = null;
                Monitor.PulseAll(_gate);
            }

            waiting?.TrySetResult();
            if (started != 0)
            {
                ListMeter.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                ListMeter.CommitBatchSize.Record((int)Math.Clamp(through - before, 0, int.MaxValue));
            }
        }
    }
}
