namespace SharedList.Stores;

/// <summary>
/// The result of one store operation: final when <see cref="Ticket"/> is 0; otherwise provisional until the
/// store's commit through <see cref="Ticket"/> has completed, after which <see cref="Resolve"/> gives the final one.
/// </summary>
public readonly struct StoreResult
{
    private readonly CommitBatch? _batch;

    private StoreResult(StoreOutcome outcome, ListSnapshot snapshot, string? error, long ticket, CommitBatch? batch, int index, long length = 0, IReadOnlyList<string>? keys = null)
    {
        Length = length;
        Keys = keys;
        Outcome = outcome;
        Snapshot = snapshot;
        Error = error;
        Ticket = ticket;
        _batch = batch;
        Index = index;
    }

    /// <summary>An append that was done.</summary>
    public static StoreResult Appended { get; } = new(StoreOutcome.Appended, default, null, 0, null, 0);

    /// <summary>An append refused: the list is full.</summary>
    public static StoreResult Full { get; } = new(StoreOutcome.Full, default, null, 0, null, 0);

    /// <summary>A clear that removed <paramref name="removed"/> items (or, for a whole store, lists).</summary>
    public static StoreResult Cleared(long removed) => new(StoreOutcome.Cleared, default, null, 0, null, 0, removed);

    /// <summary>A push after which the list holds <paramref name="length"/> items.</summary>
    public static StoreResult Pushed(long length) => new(StoreOutcome.Pushed, default, null, 0, null, 0, length);

    /// <summary>A list of <paramref name="length"/> items.</summary>
    public static StoreResult Counted(long length) => new(StoreOutcome.Counted, default, null, 0, null, 0, length);

    /// <summary>The names of a store's lists.</summary>
    public static StoreResult Listed(IReadOnlyList<string> keys) => new(StoreOutcome.Listed, default, null, 0, null, 0, keys.Count, keys);

    /// <summary>What the operation did, or (while <see cref="Ticket"/> is not 0) what it will have done if its commit succeeds.</summary>
    public StoreOutcome Outcome { get; }

    /// <summary>The list read, with <see cref="StoreOutcome.Read"/>.</summary>
    public ListSnapshot Snapshot { get; }

    /// <summary>
    /// A count: the length after a push, the items or lists a clear removed, a list's length (counted, read, or
    /// before a pop), the number of <see cref="Keys"/>.
    /// </summary>
    public long Length { get; }

    /// <summary>The lists' names, with <see cref="StoreOutcome.Listed"/>.</summary>
    public IReadOnlyList<string>? Keys { get; }

    /// <summary>Why, with <see cref="StoreOutcome.Unavailable"/>: one short clause, for the client and the log.</summary>
    public string? Error { get; }

    /// <summary>The commit this result waits for (<see cref="SocketServer.Sessions.ICommitter"/>); 0 when it is final.</summary>
    public long Ticket { get; }

    /// <summary>The operation's place in its <see cref="CommitBatch"/>, for a batch that tells each its own result.</summary>
    public int Index { get; }

    /// <summary>A read of <paramref name="snapshot"/>, the whole list.</summary>
    public static StoreResult Read(ListSnapshot snapshot) => new(StoreOutcome.Read, snapshot, null, 0, null, 0, snapshot.Count);

    /// <summary>A read of <paramref name="snapshot"/>, items of (or removed from) a list of <paramref name="length"/> items.</summary>
    public static StoreResult Read(ListSnapshot snapshot, long length) => new(StoreOutcome.Read, snapshot, null, 0, null, 0, length);

    /// <summary>An operation the store could not do, for <paramref name="error"/>.</summary>
    public static StoreResult Unavailable(string error) => new(StoreOutcome.Unavailable, default, error, 0, null, 0);

    /// <summary>
    /// <paramref name="provisional"/>, true once <paramref name="batch"/> (committed as <paramref name="ticket"/>)
    /// succeeds; the batch may tell otherwise (<see cref="CommitBatch.Resolve"/>).
    /// </summary>
    public static StoreResult Pending(StoreResult provisional, long ticket, CommitBatch batch, int index = 0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ticket);
        return new(provisional.Outcome, provisional.Snapshot, provisional.Error, ticket, batch, index, provisional.Length, provisional.Keys);
    }

    /// <summary>The final result. Call once the commit through <see cref="Ticket"/> has completed.</summary>
    public StoreResult Resolve() => _batch is null ? this : _batch.Resolve(this);

    /// <summary>This result made final, as its batch succeeded.</summary>
    public StoreResult AsFinal() => new(Outcome, Snapshot, Error, 0, null, 0, Length, Keys);
}
