using System.Collections.Concurrent;
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
/// call that pushes all of them at once, a <c>CLEAR</c> is a <c>DEL</c>, a <c>LIST</c> one <c>LRANGE 0 -1</c>.</para>
/// <para>The item limit is kept by the script, atomically on the server (<c>LLEN</c>, then push only what fits,
/// returning the length before), so it holds across processes.</para>
/// <para>When the server cannot be reached, every operation of the round trip is <see cref="StoreOutcome.Unavailable"/>,
/// including an append whose reply was lost, which may or may not have been stored: never a false success. While
/// disconnected, operations fail at once; the connection is retried in the background with backoff.</para>
/// <para>Threading: safe for any number of concurrent callers. Dispose once no server uses it.</para>
/// </remarks>
public sealed class RedisListStore : GroupCommitter, IListStore
{
    // LLEN, then push what fits; returns the length before, from which each append knows whether it was stored.
    // EVAL rather than EVALSHA: after a restart the server has forgotten its scripts, and the client's retry of a
    // NOSCRIPT would run the push after the commands pipelined behind it.
    private const string AppendScript = """
        local before = redis.call('LLEN', KEYS[1])
        local count = math.min(#ARGV - 1, tonumber(ARGV[1]) - before)
        if count > 0 then
          redis.call('RPUSH', KEYS[1], unpack(ARGV, 2, count + 1))
        end
        return before
        """;

    // Lua's unpack puts its values on a stack of about 8,000 slots in Redis: longer runs are split into several calls.
    internal const int MaxItemsPerPush = 1000;

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly ILogger _logger;
    private readonly RedisStoreOptions _options;
    private readonly string _unreachable;
    private readonly ConcurrentDictionary<string, RedisStoredList> _lists = new(StringComparer.Ordinal);
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
    public IStoredList GetList(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _lists.GetOrAdd(key, static (name, store) => new RedisStoredList(store, name), this);
    }

    /// <inheritdoc/>
    public StoreResult ListKeys() => throw new NotImplementedException();

    /// <inheritdoc/>
    public StoreResult ClearAll() => throw new NotImplementedException();

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
            var operation = operations[first];
            var count = 1;
            Task reply;
            switch (operation.Kind)
            {
                case RedisOperationKind.Append:
                    while (first + count < operations.Count && count < MaxItemsPerPush
                           && operations[first + count] is { Kind: RedisOperationKind.Append } next && ReferenceEquals(next.List, operation.List))
                    {
                        count++;
                    }

                    var arguments = new object[count + 4];
                    arguments[0] = AppendScript;
                    arguments[1] = 1;
                    arguments[2] = operation.List.RedisKey;
                    arguments[3] = MaxItems;
                    for (var i = 0; i < count; i++)
                    {
                        arguments[i + 4] = operations[first + i].Item!;
                    }

                    reply = pipeline.ExecuteAsync("EVAL", arguments);
                    break;
                case RedisOperationKind.Clear:
                    reply = pipeline.KeyDeleteAsync(operation.List.RedisKey);
                    break;
                default:
                    reply = pipeline.ListRangeAsync(operation.List.RedisKey);
                    break;
            }

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
            else if (failure is RedisServerException)
            {
                // The server refused this command (a key that holds something other than a list, say): only its operations fail.
                for (var i = 0; i < count; i++)
                {
                    batch.SetResult(first + i, StoreResult.Unavailable($"redis at {_options.Address} refused: {failure.Message}"));
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

    private void SetResults(RedisCommitBatch batch, Task reply, int first, int count)
    {
        switch (batch.Operations[first].Kind)
        {
            case RedisOperationKind.Append:
                var before = (long)((Task<RedisResult>)reply).Result;
                for (var i = 0; i < count; i++)
                {
                    batch.SetResult(first + i, before + i < MaxItems ? StoreResult.Appended : StoreResult.Full);
                }

                break;
            case RedisOperationKind.Clear:
                batch.SetResult(first, StoreResult.Cleared(0));
                break;
            default:
                batch.SetResult(first, StoreResult.Read(Snapshot(((Task<RedisValue[]>)reply).Result)));
                break;
        }
    }

    // LRANGE's values as a snapshot, rendered once here so that every LIST reply is a copy.
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
