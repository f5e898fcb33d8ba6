using Microsoft.Extensions.Logging;
using SocketServer.Sessions;
using StackExchange.Redis;

namespace SharedList.Stores.Redis;

/// <summary>
/// The lists kept in a Redis-compatible server (Redis, Garnet, Valkey), shared by every process that uses it: the list
/// named <c>sharedlist</c> is the Redis list under the key <c>sharedlist</c>, which <c>redis-cli LRANGE sharedlist 0 -1</c> shows.
/// </summary>
/// <remarks>
/// <para>Operations are queued, each with the next ticket, and answered after the round trip that carries them
/// (<see cref="GroupCommitter"/>): while one round trip is in flight, every connection's operations gather into the
/// next. A commit sends its whole queue as one pipeline, in order: consecutive appends to one list become one script
/// call that pushes all of them at once, a <c>LIST</c> is one <c>LRANGE 0 -1</c>, a count one <c>LLEN</c>, and every
/// other operation one script (<see cref="RedisScripts"/>) that reads the length with its change, atomically.</para>
/// <para>The item limit is kept by the scripts, atomically on the server (<c>LLEN</c>, then push), so it holds
/// across processes.</para>
/// <para>A key that holds something other than a list fails only the operations on it, with Redis's
/// <c>WRONGTYPE</c> error (<see cref="WrongType"/>); the whole-store operations see only the keys that hold lists.</para>
/// <para>When the server cannot be reached, every operation of the round trip is <see cref="StoreOutcome.Unavailable"/>,
/// including an append whose reply was lost, which may or may not have been stored: never a false success. While
/// disconnected, operations fail at once; the connection is retried in the background with backoff.</para>
/// <para>Threading: safe for any number of concurrent callers. Dispose once no server uses it.</para>
/// </remarks>
public sealed class RedisListStore : GroupCommitter, IListStore
{
    /// <summary>The error of an operation on a key that holds something other than a list, in Redis's words.</summary>
    public const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";

    // Lua's unpack puts its values on a stack of about 8,000 slots in Redis: longer runs are split into several calls.
    internal const int MaxItemsPerPush = 1000;

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly ILogger _logger;
    private readonly RedisStoreOptions _options;
    private readonly string _unreachable;
    private readonly Lock _queueGate = new();
    private RedisCommitBatch _queue = new();
    private long _lastTicket;
    private long _roundTrips;
    private int _reachable;

    private RedisListStore(ConnectionMultiplexer connection, RedisStoreOptions options, ILogger logger)
    {
        _connection = connection;
        _database = connection.GetDatabase(options.Database);
        _options = options;
        _logger = logger;
        _unreachable = $"redis at {options.Address} is unreachable";
        MaxItems = options.MaxItems;

        _connection.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                NoteUnreachable(e.Exception?.Message ?? e.FailureType.ToString());
            }
        };
        _connection.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                NoteReachable();
            }
        };

        if (_connection.IsConnected)
        {
            _reachable = 1;
        }
        else
        {
            RedisStoreLog.UnreachableAtStart(_logger, options.Address);
        }
    }

    /// <inheritdoc/>
    public int MaxItems { get; }

    /// <inheritdoc/>
    public ICommitter Committer => this;

    /// <summary>The server, as <c>host:port</c>.</summary>
    public string Address => _options.Address;

    /// <summary>True while the server is connected.</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <summary>Round trips sent so far: how many commits carried the operations (for tests and diagnostics).</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>
    /// Connects to the server and returns the store. When the server cannot be reached, logs a warning and returns
    /// anyway: operations are answered unavailable until it answers.
    /// </summary>
    /// <exception cref="RedisException">The options cannot be used (not for a server that is down).</exception>
    public static RedisListStore Connect(RedisStoreOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxItems);
        var connection = ConnectionMultiplexer.Connect(options.ToConfiguration());
        return new RedisListStore(connection, options, logger);
    }

    /// <inheritdoc/>
    /// <remarks>A new handle each time, which holds only the key: clients name any key they like, and no handle is kept.</remarks>
    public IStoredList GetList(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new RedisStoredList(this, key);
    }

    /// <inheritdoc/>
    public StoreResult ListKeys() => Enqueue(new RedisOperation(RedisOperationKind.ListKeys, default), StoreResult.Listed([]));

    /// <inheritdoc/>
    public StoreResult ClearAll() => Enqueue(new RedisOperation(RedisOperationKind.ClearAll, default), StoreResult.Cleared(0));

    /// <inheritdoc/>
    public void Dispose() => _connection.Dispose();

    /// <summary>Queues <paramref name="operation"/> for the next round trip; its result is <paramref name="provisional"/> until then.</summary>
    internal StoreResult Enqueue(RedisOperation operation, StoreResult provisional)
    {
        lock (_queueGate)
        {
            var ticket = ++_lastTicket;
            var index = _queue.Add(operation);
            return StoreResult.Pending(provisional, ticket, _queue, index);
        }
    }

    /// <inheritdoc/>
    /// <remarks>A round trip: an awaiting caller's thread is not held for it.</remarks>
    public override bool CommitsQuickly => false;

    /// <inheritdoc/>
    protected override long CommitPending()
    {
        RedisCommitBatch batch;
        long through;
        lock (_queueGate)
        {
            batch = _queue;
            through = _lastTicket;
            if (batch.Count == 0)
            {
                return through;
            }

            _queue = new RedisCommitBatch();
        }

        if (!_connection.IsConnected)
        {
            // Fail fast: the connection is being retried in the background, and no request should wait for it.
            batch.Fail(_unreachable);
            NoteUnreachable("not connected");
            return through;
        }

        string? unreachable;
        try
        {
            unreachable = RoundTrip(batch);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            unreachable = e.Message;
        }

        if (unreachable is null)
        {
            NoteReachable();
        }
        else
        {
            batch.Fail(_unreachable);
            NoteUnreachable(unreachable);
        }

        return through;
    }

    // Sends the batch and sets each operation's result; returns why the server could not be reached, or null.
    private string? RoundTrip(RedisCommitBatch batch)
    {
        var operations = batch.Operations;
        var pipeline = _database.CreateBatch();
        var commands = new List<(Task Reply, int First, int Count)>();
        for (var first = 0; first < operations.Count;)
        {
            var reply = Send(pipeline, operations, first, out var count);
            commands.Add((reply, first, count));
            first += count;
        }

        pipeline.Execute();
        Interlocked.Increment(ref _roundTrips);

        // Each command times out on its own (CommandTimeout); the bound here only guards against one that never completes.
        var all = Task.WhenAll(commands.Select(command => command.Reply));
        if (!((IAsyncResult)all).AsyncWaitHandle.WaitOne(_options.CommandTimeout + _options.CommandTimeout))
        {
            return $"no reply within {_options.CommandTimeout.TotalSeconds} s";
        }

        foreach (var (reply, first, count) in commands)
        {
            var failure = reply.Exception?.InnerException;
            if (failure is null)
            {
                SetResults(batch, reply, first, count);
            }
            else if (failure is RedisServerException refused)
            {
                // The server refused this command (a key that holds something other than a list, say): only its operations fail.
                var error = Refusal(refused);
                for (var i = 0; i < count; i++)
                {
                    batch.SetResult(first + i, StoreResult.Unavailable(error));
                }
            }
            else
            {
                // A lost connection or a timeout: an append may or may not have been stored, so none is acknowledged.
                return failure.Message;
            }
        }

        return null;
    }

    // Queues the command of the operation at first, and of the appends to the same list that follow it (count in all).
    private Task Send(IBatch pipeline, IReadOnlyList<RedisOperation> operations, int first, out int count)
    {
        var operation = operations[first];
        count = 1;
        switch (operation.Kind)
        {
            case RedisOperationKind.Append:
                while (first + count < operations.Count && count < MaxItemsPerPush
                       && operations[first + count] is { Kind: RedisOperationKind.Append } next && next.Key == operation.Key)
                {
                    count++;
                }

                var items = new object[count + 1];
                items[0] = MaxItems;
                for (var i = 0; i < count; i++)
                {
                    items[i + 1] = operations[first + i].Item!;
                }

                return Eval(pipeline, RedisScripts.Append, operation.Key, items);
            case RedisOperationKind.Push:
                var pushed = new object[operation.Items!.Length + 2];
                pushed[0] = MaxItems;
                pushed[1] = operation.End == ListEnd.Head ? "LPUSH" : "RPUSH";
                operation.Items.CopyTo(pushed, 2);
                return Eval(pipeline, RedisScripts.Push, operation.Key, pushed);
            case RedisOperationKind.Pop:
                return Eval(pipeline, RedisScripts.Pop, operation.Key, operation.End == ListEnd.Head ? "LPOP" : "RPOP", operation.Count);
            case RedisOperationKind.Range:
                return Eval(pipeline, RedisScripts.Range, operation.Key, operation.Start, operation.Stop);
            case RedisOperationKind.Count:
                return pipeline.ListLengthAsync(operation.Key);
            case RedisOperationKind.Clear:
                return Eval(pipeline, RedisScripts.Clear, operation.Key);
            case RedisOperationKind.ListKeys:
                return pipeline.ExecuteAsync("EVAL", RedisScripts.ListKeys, 0);
            case RedisOperationKind.ClearAll:
                return pipeline.ExecuteAsync("EVAL", RedisScripts.ClearAll, 0);
            default:
                return pipeline.ListRangeAsync(operation.Key);
        }
    }

    private static Task<RedisResult> Eval(IBatch pipeline, string script, RedisKey key, params object[] arguments) =>
        pipeline.ExecuteAsync("EVAL", [script, 1, key, .. arguments]);

    private void SetResults(RedisCommitBatch batch, Task reply, int first, int count)
    {
        switch (batch.Operations[first].Kind)
        {
            case RedisOperationKind.Append:
                var before = (long)Result(reply);
                for (var i = 0; i < count; i++)
                {
                    batch.SetResult(first + i, before + i < MaxItems ? StoreResult.Appended : StoreResult.Full);
                }

                break;
            case RedisOperationKind.Push:
                var after = (long)Result(reply);
                batch.SetResult(first, after < 0 ? StoreResult.Full : StoreResult.Pushed(after));
                break;
            case RedisOperationKind.Pop:
            case RedisOperationKind.Range:
                // The length, then the items: {LLEN, LRANGE or LPOP}.
                var parts = (RedisResult[])Result(reply)!;
                batch.SetResult(first, StoreResult.Read(Snapshot((RedisValue[])parts[1]!), (long)parts[0]));
                break;
            case RedisOperationKind.Count:
                batch.SetResult(first, StoreResult.Counted(((Task<long>)reply).Result));
                break;
            case RedisOperationKind.Clear:
            case RedisOperationKind.ClearAll:
                batch.SetResult(first, StoreResult.Cleared((long)Result(reply)));
                break;
            case RedisOperationKind.ListKeys:
                var keys = (RedisValue[])Result(reply)!;
                batch.SetResult(first, StoreResult.Listed([.. keys.Select(key => (string)key!)]));
                break;
            default:
                batch.SetResult(first, StoreResult.Read(Snapshot(((Task<RedisValue[]>)reply).Result)));
                break;
        }
    }

    private static RedisResult Result(Task reply) => ((Task<RedisResult>)reply).Result;

    // Redis words a type error "WRONGTYPE ...", and adds where in a script it happened; a RESP front end answers it as
    // Redis does, so the error is passed on in Redis's words alone. Any other refusal says which server refused.
    private string Refusal(RedisServerException refused) =>
        refused.Message.Contains("WRONGTYPE", StringComparison.Ordinal) ? WrongType : $"redis at {_options.Address} refused: {refused.Message}";

    // Items read or popped as a snapshot, rendered once here so that every reply is a copy.
    private static ListSnapshot Snapshot(RedisValue[] values)
    {
        if (values.Length == 0)
        {
            return default;
        }

        var list = new InMemoryList(values.Length);
        foreach (var value in values)
        {
            list.TryAppend(((ReadOnlyMemory<byte>)value).Span);
        }

        return list.Snapshot();
    }

    private void NoteUnreachable(string detail)
    {
        if (Interlocked.Exchange(ref _reachable, 0) == 1)
        {
            RedisStoreLog.Unreachable(_logger, _options.Address, detail);
        }
    }

    private void NoteReachable()
    {
        if (Interlocked.Exchange(ref _reachable, 1) == 0)
        {
            RedisStoreLog.Reachable(_logger, _options.Address);
        }
    }
}
