namespace SharedList.Protocol.Resp;

/// <summary>The error replies of the Redis protocol, worded as Redis words them (src/server.c, src/networking.c, src/t_list.c), and the service's own.</summary>
public static class RespErrors
{
    /// <summary>A command before <c>AUTH</c>, on a server with a password.</summary>
    public const string NoAuth = "NOAUTH Authentication required.";

    /// <summary>A wrong password, or a user other than <c>default</c>.</summary>
    public const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

    /// <summary><c>AUTH password</c> on a server without one.</summary>
    public const string NoPasswordSet = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";

    /// <summary><c>HELLO</c> on a connection not yet authenticated, without its AUTH option.</summary>
    public const string HelloNoAuth = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";

    /// <summary><c>HELLO 3</c>: only RESP2 is served.</summary>
    public const string NoProto = "NOPROTO unsupported protocol version";

    /// <summary>An integer argument that is not one.</summary>
    public const string NotInteger = "ERR value is not an integer or out of range";

    /// <summary>A negative count.</summary>
    public const string NotPositive = "ERR value is out of range, must be positive";

    /// <summary>Options that make no sense.</summary>
    public const string Syntax = "ERR syntax error";

    /// <summary><c>SELECT</c> of a database but 0.</summary>
    public const string DbIndexOutOfRange = "ERR DB index is out of range";

    /// <summary><c>SCAN</c> with a cursor that is not a number.</summary>
    public const string InvalidCursor = "ERR invalid cursor";

    /// <summary>A key or value that is not valid UTF-8: the shared list holds text, as the lab's <c>LIST</c> renders Python <c>str</c>.</summary>
    public const string NotText = "ERR the shared list holds text: the value is not valid UTF-8";

    /// <summary>A client name with a space or a character outside <c>!</c>..<c>~</c>.</summary>
    public const string InvalidClientName = "ERR Client names cannot contain spaces, newlines or special characters.";

    /// <summary><c>ERR wrong number of arguments for 'lpush' command</c>; <paramref name="command"/> in lower case, <c>client|setname</c> for a subcommand.</summary>
    public static string WrongArity(string command) => $"ERR wrong number of arguments for '{command}' command";

    /// <summary><c>ERR unknown subcommand 'FOO'. Try CLIENT HELP.</c></summary>
    public static string UnknownSubcommand(string subcommand, string command) => $"ERR unknown subcommand '{OneLine(Clip(subcommand, 128))}'. Try {command} HELP.";

    /// <summary>
    /// <c>ERR unknown command 'FOO', with args beginning with: 'a' 'b' </c>: the name up to 128 characters, and arguments
    /// while what is quoted stays under 128, each cut to what is left, as Redis's <c>processCommand</c>.
    /// </summary>
    public static string UnknownCommand(string name, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var args = new System.Text.StringBuilder();
        for (var i = 0; i < arguments.Count && args.Length < 128; i++)
        {
            var room = 128 - args.Length;
            args.Append('\'').Append(Clip(arguments[i], room)).Append("' ");
        }

        return OneLine($"ERR unknown command '{Clip(name, 128)}', with args beginning with: {args}");
    }

    /// <summary>A list that already holds its store's maximum: Redis has no such bound, the service does.</summary>
    public static string ListFull(string key, int maxItems) => OneLine($"ERR list full: {key} holds its maximum of {maxItems} items");

    /// <summary>
    /// A store that could not do it. A Redis store's <c>WRONGTYPE</c> (its key holds no list) passes through as Redis
    /// said it; anything else is <c>ERR store unavailable: why</c>, as the line protocol says.
    /// </summary>
    public static string StoreUnavailable(string? reason) =>
        OneLine(reason is not null && reason.StartsWith("WRONGTYPE", StringComparison.Ordinal) ? reason : Replies.StoreUnavailable(reason));

    // As Redis's rejectCommandFormat: a reply is one line, so line breaks become spaces.
    private static string OneLine(string text) => text.Replace('\r', ' ').Replace('\n', ' ');

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..length];
}
