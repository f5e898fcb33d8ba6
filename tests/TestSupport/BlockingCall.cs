namespace TestSupport;

/// <summary>
/// A call expected to block (a close that waits for a request, say), run on a thread of its own so a test can
/// see it waiting instead of guessing from elapsed time: <see cref="IsBlockedAsync"/> waits until the thread
/// is blocked or the call has returned, and <see cref="Returned"/> completes when it returns.
/// </summary>
public sealed class BlockingCall
{
    private readonly Thread _thread;
    private readonly TaskCompletionSource _returned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts <paramref name="call"/> on a background thread named <paramref name="name"/>.</summary>
    public BlockingCall(string name, Action call)
    {
        ArgumentNullException.ThrowIfNull(call);
        _thread = new Thread(() =>
        {
            try
            {
                call();
                _returned.TrySetResult();
            }
            catch (Exception e)
            {
                _returned.TrySetException(e);
            }
        })
        {
            // A call that never returns must not keep the test host alive.
            IsBackground = true,
            Name = name,
        };
        _thread.Start();
    }

    /// <summary>Completes when the call returns; faults with what it threw.</summary>
    public Task Returned => _returned.Task;

    /// <summary>
    /// Waits (bounded by <see cref="Eventually.DefaultTimeout"/>) until the call's thread is blocked in a wait or
    /// a join, or the call has returned: true when it is blocked, false when it returned.
    /// </summary>
    public async Task<bool> IsBlockedAsync()
    {
        await Eventually.TrueAsync(() => Returned.IsCompleted || (_thread.ThreadState & ThreadState.WaitSleepJoin) != 0, $"{_thread.Name} to block or return");
        return !Returned.IsCompleted;
    }
}
