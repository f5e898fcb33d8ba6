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
    private int _handedOver;
    private bool _commitThreadRunning;

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
    public virtual bool CommitsQuickly => true;

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
                    Task committed;
                    lock (_gate)
                    {
                        committed = (_nextCommit ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                    }

                    HandToCommitThread();
                    await committed.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await underWay.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // A commit that blocks runs on a thread of its own rather than the thread pool's: with one core the pool starts
    // with one worker, and a blocked worker would leave the awaiting connections no thread to resume on. The thread
    // ends after a second with nothing to commit, so an idle store holds none.
    private void HandToCommitThread()
    {
        lock (_gate)
        {
            _handedOver++;
            if (_commitThreadRunning)
            {
                Monitor.PulseAll(_gate);
                return;
            }

            _commitThreadRunning = true;
        }

        new Thread(RunCommitThread) { IsBackground = true, Name = "store-commit" }.Start();
    }

    private void RunCommitThread()
    {
        while (true)
        {
            lock (_gate)
            {
                while (_handedOver == 0)
                {
                    if (!Monitor.Wait(_gate, TimeSpan.FromSeconds(1)) && _handedOver == 0)
                    {
                        _commitThreadRunning = false;
                        return;
                    }
                }

                _handedOver--;
            }

            Lead();
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
