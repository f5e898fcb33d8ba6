namespace SharedList.Stores.Redis;

/// <summary>
/// The operations of one round trip to Redis, in the order they were issued, and after it each one's own result: an
/// append is known to be stored or refused (the list full) only from the server's reply.
/// </summary>
/// <remarks>Threading: filled under the store's queue lock, then sent and resolved by the one committing thread; read
/// after the commit completed (the committer's lock orders the writes before the reads).</remarks>
internal sealed class RedisCommitBatch : CommitBatch
{
    private readonly List<RedisOperation> _operations = [];
    private StoreResult[] _results = [];

    public int Count => _operations.Count;

    public IReadOnlyList<RedisOperation> Operations => _operations;

    /// <summary>Adds an operation; returns its index in the batch.</summary>
    public int Add(RedisOperation operation)
    {
        _operations.Add(operation);
        return _operations.Count - 1;
    }

    /// <summary>Records the final result of the operation at <paramref name="index"/>.</summary>
    public void SetResult(int index, StoreResult result)
    {
        if (_results.Length == 0)
        {
            _results = new StoreResult[_operations.Count];
        }

        _results[index] = result;
    }

    /// <inheritdoc/>
    public override StoreResult Resolve(in StoreResult provisional)
    {
        if (Failure is { } failure)
        {
            return StoreResult.Unavailable(failure);
        }

        // Every operation gets its result once the round trip succeeds; a missing one would be a false reply.
        return provisional.Index < _results.Length && _results[provisional.Index].Outcome != 0
            ? _results[provisional.Index]
            : throw new InvalidOperationException("The Redis commit left an operation without its result.");
    }
}
