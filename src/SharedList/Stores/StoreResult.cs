namespace SharedList.Stores;

/// <summary>
/// The result of one store operation: final when <see cref="Ticket"/> is 0; otherwise provisional until the
/// store's commit through <see cref="Ticket"/> has completed, after which <see cref="Resolve"/> gives the final one.
/// </summary>
public readonly struct StoreResult
{
    private readonly CommitBatch? _batch;

    private StoreResult(StoreOutcome outcome, ListSnapshot snapshot, string? error, long ticket, CommitBatch? batch, int index)
    {
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

    /// <summary>A clear that was done.</summary>
    public static StoreResult Cleared { get; } = new(StoreOutcome.Cleared, default, null, 0, null, 0);

    /// <summary>What the operation did, or (while <see cref="Ticket"/> is not 0) what it will have done if its commit succeeds.</summary>
    public StoreOutcome Outcome { get; }

    /// <summary>The list read, with <see cref="StoreOutcome.Read"/>.</summary>
    public ListSnapshot Snapshot { get; }

    /// <summary>Why, with <see cref="StoreOutcome.Unavailable"/>: one short clause, for the client and the log.</summary>
    public string? Error { get; }

    /// <summary>The commit this result waits for (<see cref="SocketServer.Sessions.ICommitter"/>); 0 when it is final.</summary>
    public long Ticket { get; }

    /// <summary>The operation's place in its <see cref="CommitBatch"/>, for a batch that tells each its own result.</summary>
    public int Index { get; }

    /// <summary>A read of <paramref name="snapshot"/>.</summary>
    public static StoreResult Read(ListSnapshot snapshot) => new(StoreOutcome.Read, snapshot, null, 0, null, 0);

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
        return new(provisional.Outcome, provisional.Snapshot, provisional.Error, ticket, batch, index);
    }

    /// <summary>The final result. Call once the commit through <see cref="Ticket"/> has completed.</summary>
    public StoreResult Resolve() => _batch is null ? this : _batch.Resolve(this);

    /// <summary>This result made final, as its batch succeeded.</summary>
    public StoreResult AsFinal() => new(Outcome, Snapshot, Error, 0, null, 0);
}
