namespace SharedList.Stores;

/// <summary>
/// The operations one commit covers. When the commit fails, every operation in it is
/// <see cref="StoreOutcome.Unavailable"/>; a store whose results are known only after the commit (Redis) derives
/// from it to tell each operation its own.
/// </summary>
/// <remarks>Threading: written by the committing thread before the commit completes, read after it.</remarks>
public class CommitBatch
{
    private volatile string? _failure;

    /// <summary>Why the commit failed; null while it has not.</summary>
    public string? Failure => _failure;

    /// <summary>Marks the whole batch failed, for <paramref name="reason"/> (one short clause, such as <c>no space left on device</c>).</summary>
    public void Fail(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        _failure ??= reason;
    }

    /// <summary>The final result of <paramref name="provisional"/>, once the commit has completed.</summary>
    public virtual StoreResult Resolve(in StoreResult provisional) =>
        Failure is { } failure ? StoreResult.Unavailable(failure) : provisional.AsFinal();
}
