using System.Text;

namespace SharedList.Protocol.Resp;

/// <summary>The commands the Redis protocol serves.</summary>
public enum RespCommandId
{
    /// <summary><c>RPUSH key item [item …]</c>.</summary>
    RPush,

    /// <summary><c>LPUSH key item [item …]</c>.</summary>
    LPush,

    /// <summary><c>LRANGE key start stop</c>.</summary>
    LRange,

    /// <summary><c>LLEN key</c>.</summary>
    LLen,

    /// <summary><c>LINDEX key index</c>.</summary>
    LIndex,

    /// <summary><c>LPOP key [count]</c>.</summary>
    LPop,

    /// <summary><c>RPOP key [count]</c>.</summary>
    RPop,

    /// <summary><c>DEL key [key …]</c>.</summary>
    Del,

    /// <summary><c>UNLINK key [key …]</c>: <c>DEL</c>, which client libraries send in its place to Redis 4 and later.</summary>
    Unlink,

    /// <summary><c>EXISTS key [key …]</c>.</summary>
    Exists,

    /// <summary><c>TYPE key</c>.</summary>
    Type,

    /// <summary><c>KEYS pattern</c>.</summary>
    Keys,

    /// <summary><c>SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]</c>.</summary>
    Scan,

    /// <summary><c>PING [message]</c>.</summary>
    Ping,

    /// <summary><c>ECHO message</c>.</summary>
    Echo,

    /// <summary><c>QUIT</c>.</summary>
    Quit,

    /// <summary><c>SELECT index</c>.</summary>
    Select,

    /// <summary><c>DBSIZE</c>.</summary>
    DbSize,

    /// <summary><c>FLUSHDB [ASYNC|SYNC]</c>.</summary>
    FlushDb,

    /// <summary><c>FLUSHALL [ASYNC|SYNC]</c>.</summary>
    FlushAll,

    /// <summary><c>INFO [section …]</c>.</summary>
    Info,

    /// <summary><c>CONFIG GET parameter [parameter …]</c>.</summary>
    Config,

    /// <summary><c>COMMAND [COUNT|DOCS|INFO|LIST]</c>.</summary>
    Command,

    /// <summary><c>HELLO [protover [AUTH user password] [SETNAME name]]</c>.</summary>
    Hello,

    /// <summary><c>CLIENT SETNAME|GETNAME|ID|INFO|SETINFO</c>.</summary>
    Client,

    /// <summary><c>AUTH [user] password</c>.</summary>
    Auth,
}

/// <summary>
/// One command as Redis describes it: its name, its arity (positive: exactly that many words with the name; negative:
/// at least that many), its flags, and whether it is served before <c>AUTH</c>.
/// </summary>
public sealed record RespCommand(RespCommandId Id, string Name, int Arity, string[] Flags, int FirstKey, int LastKey, bool AllowedBeforeAuth = false)
{
    private static readonly string[] Write = ["write"];
    private static readonly string[] ReadOnly = ["readonly"];
    private static readonly string[] Server = ["fast"];

    // An array, so that finding each request's command walks it without an enumerator to allocate.
    private static readonly RespCommand[] Table =
    [
        new(RespCommandId.RPush, "rpush", -3, Write, 1, 1),
        new(RespCommandId.LPush, "lpush", -3, Write, 1, 1),
        new(RespCommandId.LRange, "lrange", 4, ReadOnly, 1, 1),
        new(RespCommandId.LLen, "llen", 2, ReadOnly, 1, 1),
        new(RespCommandId.LIndex, "lindex", 3, ReadOnly, 1, 1),
        new(RespCommandId.LPop, "lpop", -2, Write, 1, 1),
        new(RespCommandId.RPop, "rpop", -2, Write, 1, 1),
        new(RespCommandId.Del, "del", -2, Write, 1, -1),
        new(RespCommandId.Unlink, "unlink", -2, Write, 1, -1),
        new(RespCommandId.Exists, "exists", -2, ReadOnly, 1, -1),
        new(RespCommandId.Type, "type", 2, ReadOnly, 1, 1),
        new(RespCommandId.Keys, "keys", 2, ReadOnly, 0, 0),
        new(RespCommandId.Scan, "scan", -2, ReadOnly, 0, 0),
        new(RespCommandId.Ping, "ping", -1, Server, 0, 0),
        new(RespCommandId.Echo, "echo", 2, Server, 0, 0),
        new(RespCommandId.Quit, "quit", -1, Server, 0, 0, AllowedBeforeAuth: true),
        new(RespCommandId.Select, "select", 2, Server, 0, 0),
        new(RespCommandId.DbSize, "dbsize", 1, ReadOnly, 0, 0),
        new(RespCommandId.FlushDb, "flushdb", -1, Write, 0, 0),
        new(RespCommandId.FlushAll, "flushall", -1, Write, 0, 0),
        new(RespCommandId.Info, "info", -1, Server, 0, 0),
        new(RespCommandId.Config, "config", -2, Server, 0, 0),
        new(RespCommandId.Command, "command", -1, Server, 0, 0),
        new(RespCommandId.Hello, "hello", -1, Server, 0, 0, AllowedBeforeAuth: true),
        new(RespCommandId.Client, "client", -2, Server, 0, 0),
        new(RespCommandId.Auth, "auth", -2, Server, 0, 0, AllowedBeforeAuth: true),
    ];

    /// <summary>Every command served, in the order <c>COMMAND</c> lists them.</summary>
    public static IReadOnlyList<RespCommand> All { get; } = Array.AsReadOnly(Table);

    private readonly byte[] _upper = Encoding.ASCII.GetBytes(Name.ToUpperInvariant());

    /// <summary>The command named <paramref name="name"/>, in any case; false for one not served.</summary>
    public static bool TryFind(ReadOnlySpan<byte> name, out RespCommand command)
    {
        foreach (var candidate in Table)
        {
            if (candidate._upper.Length == name.Length && System.Text.Ascii.EqualsIgnoreCase(candidate._upper, name))
            {
                command = candidate;
                return true;
            }
        }

        command = null!;
        return false;
    }

    /// <summary>The command named <paramref name="name"/> (any case), or null.</summary>
    public static RespCommand? Find(string name) => TryFind(Encoding.UTF8.GetBytes(name), out var command) ? command : null;

    /// <summary>Whether a request of <paramref name="words"/> words, the name included, has this command's arity.</summary>
    public bool ArityAllows(int words) => Arity >= 0 ? words == Arity : words >= -Arity;
}
