namespace SharedList.Stores.Redis;

/// <summary>
/// The Lua scripts of the Redis store: each makes one operation atomic on the server (a length read with the change
/// or read it goes with), so that results hold however many processes share the server.
/// </summary>
/// <remarks>
/// Sent with <c>EVAL</c> rather than <c>EVALSHA</c>: after a restart the server has forgotten its scripts, and the
/// client's retry of a <c>NOSCRIPT</c> would run the script after the commands pipelined behind it. A key that holds
/// something other than a list fails the script at its first <c>LLEN</c>, before anything changed, with Redis's
/// <c>WRONGTYPE</c> error.
/// </remarks>
internal static class RedisScripts
{
    /// <summary>
    /// Consecutive appends to one list: <c>LLEN</c>, then push what fits. KEYS[1] the list; ARGV[1] the item limit;
    /// ARGV[2..] the items. Returns the length before, from which each append knows whether it was stored.
    /// </summary>
    public const string Append = """
        local before = redis.call('LLEN', KEYS[1])
        local count = math.min(#ARGV - 1, tonumber(ARGV[1]) - before)
        if count > 0 then
          redis.call('RPUSH', KEYS[1], unpack(ARGV, 2, count + 1))
        end
        return before
        """;

    /// <summary>
    /// A push, all or none: KEYS[1] the list; ARGV[1] the item limit; ARGV[2] <c>RPUSH</c> or <c>LPUSH</c>; ARGV[3..]
    /// the items. Returns the length after, or -1 when the list cannot take them all (nothing pushed). Items beyond
    /// <see cref="RedisListStore.MaxItemsPerPush"/> go in several calls, in order, which leaves the list as one
    /// call with all of them would.
    /// </summary>
    public static readonly string Push = $$"""
        local length = redis.call('LLEN', KEYS[1])
        if length + #ARGV - 2 > tonumber(ARGV[1]) then
          return -1
        end
        for first = 3, #ARGV, {{RedisListStore.MaxItemsPerPush}} do
          length = redis.call(ARGV[2], KEYS[1], unpack(ARGV, first, math.min(first + {{RedisListStore.MaxItemsPerPush - 1}}, #ARGV)))
        end
        return length
        """;

    /// <summary>
    /// A pop: KEYS[1] the list; ARGV[1] <c>LPOP</c> or <c>RPOP</c>; ARGV[2] the count. Returns the length before and
    /// the items removed, in the order removed (<c>LPOP key count</c>: Redis 6.2 and later, Garnet).
    /// </summary>
    public const string Pop = """
        local length = redis.call('LLEN', KEYS[1])
        if length == 0 then
          return {0, {}}
        end
        return {length, redis.call(ARGV[1], KEYS[1], ARGV[2])}
        """;

    /// <summary>A range: KEYS[1] the list; ARGV[1] and ARGV[2] the first and last index. Returns the length and the items.</summary>
    public const string Range = """
        return {redis.call('LLEN', KEYS[1]), redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2])}
        """;

    /// <summary>A clear: KEYS[1] the list. Returns the number of items removed (<c>DEL</c> alone tells only whether the key existed).</summary>
    public const string Clear = """
        local length = redis.call('LLEN', KEYS[1])
        if length > 0 then
          redis.call('DEL', KEYS[1])
        end
        return length
        """;

    /// <summary>
    /// The keys of the database that hold a list. <c>KEYS *</c> with <c>TYPE</c> in one script rather than a
    /// <c>SCAN</c> loop: one atomic answer in the one round trip of its commit (a loop takes a round trip per
    /// cursor step and may return a key twice), on every server, <c>SCAN</c>'s <c>TYPE</c> filter being Redis 6 and
    /// later. Like <c>KEYS</c> itself, it holds the server for the whole key space.
    /// </summary>
    public const string ListKeys = """
        local lists = {}
        for _, key in ipairs(redis.call('KEYS', '*')) do
          if redis.call('TYPE', key)['ok'] == 'list' then
            lists[#lists + 1] = key
          end
        end
        return lists
        """;

    /// <summary>
    /// Deletes every key that holds a list, leaving the database's other keys alone (not <c>FLUSHDB</c>); returns
    /// how many. One script, for the reasons <see cref="ListKeys"/> gives.
    /// </summary>
    public const string ClearAll = """
        local cleared = 0
        for _, key in ipairs(redis.call('KEYS', '*')) do
          if redis.call('TYPE', key)['ok'] == 'list' then
            redis.call('DEL', key)
            cleared = cleared + 1
          end
        end
        return cleared
        """;
}
