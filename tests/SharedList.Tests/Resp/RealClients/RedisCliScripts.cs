namespace SharedList.Tests.Resp.RealClients;

/// <summary>
/// What redis-cli prints for every command the RESP port serves, step after step on one server, each step a new
/// redis-cli process (so a new connection). Every expectation was taken from redis-cli against redis-server (the
/// tests run them there too, where redis-server is installed); where this server answers otherwise on purpose, the
/// step says what Redis prints and why.
/// </summary>
internal static class RedisCliScripts
{
    private const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

    /// <summary>The commands on a server with no password, starting empty.</summary>
    public static IReadOnlyList<CliStep> Commands { get; } =
    [
        CliStep.Typed(["FLUSHALL"], "OK"),
        CliStep.Typed(["RPUSH", "k", "a", "b", "c"], "(integer) 3"),
        CliStep.Typed(["LPUSH", "k", "x", "y"], "(integer) 5"),
        CliStep.Typed(["LRANGE", "k", "0", "-1"], "1) \"y\"", "2) \"x\"", "3) \"a\"", "4) \"b\"", "5) \"c\""),
        CliStep.Typed(["LRANGE", "k", "1", "2"], "1) \"x\"", "2) \"a\""),
        CliStep.Typed(["LRANGE", "k", "-100", "100"], "1) \"y\"", "2) \"x\"", "3) \"a\"", "4) \"b\"", "5) \"c\""),
        CliStep.Typed(["LRANGE", "nokey", "0", "-1"], "(empty array)"),
        CliStep.Typed(["LLEN", "k"], "(integer) 5"),
        CliStep.Typed(["LLEN", "nokey"], "(integer) 0"),
        CliStep.Typed(["LINDEX", "k", "1"], "\"x\""),
        CliStep.Typed(["LINDEX", "k", "-1"], "\"c\""),
        CliStep.Typed(["LINDEX", "k", "99"], "(nil)"),
        CliStep.Typed(["LPOP", "k"], "\"y\""),
        CliStep.Typed(["RPOP", "k", "2"], "1) \"c\"", "2) \"b\""),
        CliStep.Typed(["LPOP", "k", "0"], "(empty array)"),
        CliStep.Typed(["RPOP", "nokey"], "(nil)"),
        CliStep.Typed(["RPOP", "nokey", "2"], "(nil)"),
        CliStep.Typed(["EXISTS", "k", "nokey", "k"], "(integer) 2"),
        CliStep.Typed(["TYPE", "k"], "list"),
        CliStep.Typed(["TYPE", "nokey"], "none"),
        CliStep.Typed(["RPUSH", "other", "1"], "(integer) 1"),
        CliStep.Typed(["DBSIZE"], "(integer) 2"),
        CliStep.Typed(["KEYS", "o*"], "1) \"other\""),
        CliStep.Typed(["KEYS", "nomatch*"], "(empty array)"),
        CliStep.Typed(["SCAN", "0", "MATCH", "o*"], "1) \"0\"", "2) 1) \"other\""),
        CliStep.Typed(["SCAN", "0", "MATCH", "o*", "COUNT", "100", "TYPE", "list"], "1) \"0\"", "2) 1) \"other\""),
        CliStep.Typed(["DEL", "other", "nokey"], "(integer) 1"),
        CliStep.Typed(["EXISTS", "other"], "(integer) 0"),
        CliStep.Typed(["PING"], "PONG"),
        CliStep.Typed(["PING", "hello"], "\"hello\""),
        CliStep.Typed(["ECHO", "hello world"], "\"hello world\""),
        CliStep.Typed(["SELECT", "0"], "OK"),

        // One database here (CONFIG GET databases says 1), as Redis with "databases 1"; Redis has 16 by default.
        CliStep.Typed(["SELECT", "1"], "(error) ERR DB index is out of range") with { Redis = ["OK"] },
        CliStep.Typed(["SELECT", "x"], "(error) ERR value is not an integer or out of range"),
        CliStep.Typed(["CONFIG", "GET", "save"], "1) \"save\"", "2) \"\""),
        CliStep.Typed(["CONFIG", "GET", "appendonly"], "1) \"appendonly\"", "2) \"no\""),
        CliStep.Typed(["CONFIG", "GET", "nosuch"], "(empty array)"),
        CliStep.Typed(["CLIENT", "GETNAME"], "(nil)"),
        CliStep.Typed(["CLIENT", "SETNAME", "cli"], "OK"),
        CliStep.Typed(["CLIENT", "NOSUCH"], "(error) ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP."),
        CliStep.Typed(["QUIT"], "OK"),

        // Errors: printed by redis-cli, which still exits 0.
        CliStep.Typed(["NOSUCH", "a", "b"], "(error) ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "),
        CliStep.Typed(["LLEN"], "(error) ERR wrong number of arguments for 'llen' command"),
        CliStep.Typed(["LLEN", "a", "b"], "(error) ERR wrong number of arguments for 'llen' command"),
        CliStep.Typed(["RPUSH", "k"], "(error) ERR wrong number of arguments for 'rpush' command"),
        CliStep.Typed(["CONFIG", "GET"], "(error) ERR wrong number of arguments for 'config|get' command"),
        CliStep.Typed(["LRANGE", "k", "a", "b"], "(error) ERR value is not an integer or out of range"),
        CliStep.Typed(["LPOP", "k", "x"], "(error) ERR value is out of range, must be positive"),
        CliStep.Typed(["LPOP", "k", "-1"], "(error) ERR value is out of range, must be positive"),
        CliStep.Typed(["FLUSHDB", "x"], "(error) ERR syntax error"),

        // Only lists are served here: Redis knows GET, and says the list is the wrong type for it.
        CliStep.Typed(["GET", "k"], "(error) ERR unknown command 'GET', with args beginning with: 'k' ")
            with { Redis = ["(error) WRONGTYPE Operation against a key holding the wrong kind of value"] },

        // Raw output, as redis-cli prints to a pipe by default: an error line is followed by an empty one.
        new(["LRANGE", "k", "0", "-1"], ["x", "a"]),
        new(["LINDEX", "k", "99"], [string.Empty]),
        new(["LLEN"], ["ERR wrong number of arguments for 'llen' command", string.Empty]),

        // Commands piped to redis-cli: its interactive mode, which first asks COMMAND DOCS; one connection throughout.
        new([], ["OK", "piped", "2", "a", "b", "ERR unknown command 'NOSUCH', with args beginning with: ", string.Empty, "PONG"])
        {
            Input = "CLIENT SETNAME piped\nCLIENT GETNAME\nRPUSH p a b\nLRANGE p 0 -1\nNOSUCH\nPING\n",
        },
        new(["--no-raw"], ["(integer) 2", "(integer) 1", "(error) ERR DB index is out of range"])
        {
            Input = "LLEN p\nDEL p\nSELECT 1\n",
            Redis = ["(integer) 2", "(integer) 1", "OK"],
        },

        // -a against a server with no password: redis-cli says AUTH failed, and goes on.
        new(["-a", "pw", "--no-auth-warning", "PING"], ["PONG"])
        {
            Error = "AUTH failed: ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
        },

        CliStep.Typed(["FLUSHDB"], "OK"),
        CliStep.Typed(["DBSIZE"], "(integer) 0"),
        CliStep.Typed(["RPUSH", "k", "a"], "(integer) 1"),
        CliStep.Typed(["FLUSHALL", "SYNC"], "OK"),
        CliStep.Typed(["EXISTS", "k"], "(integer) 0"),
    ];

    /// <summary>The commands on a server whose password is <c>pw</c>.</summary>
    public static IReadOnlyList<CliStep> Auth { get; } =
    [
        CliStep.Typed(["PING"], "(error) NOAUTH Authentication required."),
        new(["PING"], ["NOAUTH Authentication required.", string.Empty]),
        new(["-a", "pw", "--no-auth-warning", "PING"], ["PONG"]),
        new(["-a", "pw", "PING"], ["PONG"]) { Error = "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe." },
        new(["-a", "wrong", "--no-auth-warning", "--no-raw", "PING"], ["(error) NOAUTH Authentication required."]) { Error = $"AUTH failed: {WrongPass}" },
        new(["--user", "default", "--pass", "pw", "--no-auth-warning", "RPUSH", "k", "a"], ["1"]),
        new(["--user", "bob", "--pass", "pw", "--no-auth-warning", "--no-raw", "LLEN", "k"], ["(error) NOAUTH Authentication required."]) { Error = $"AUTH failed: {WrongPass}" },
        CliStep.Typed(["AUTH", "pw"], "OK"),
        CliStep.Typed(["AUTH", "default", "pw"], "OK"),
        CliStep.Typed(["AUTH", "wrong"], $"(error) {WrongPass}"),
        CliStep.Typed(["QUIT"], "OK"),

        // The words of Redis 7.2, the version this server answers as; the installed redis-server may be older.
        CliStep.Typed(["HELLO", "2"], "(error) NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
            with { Redis = ["(error) NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"] },

        // Piped: COMMAND DOCS at the start is refused (NOAUTH), which redis-cli takes in its stride.
        new([], ["OK", "1"]) { Input = "AUTH pw\nLLEN k\n" },
        new(["-a", "pw", "--no-auth-warning"], ["1", "1"]) { Input = "LLEN k\nDEL k\n" },
    ];
}
