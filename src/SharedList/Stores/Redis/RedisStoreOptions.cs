using System.Globalization;
using System.Net;
using System.Text;
using StackExchange.Redis;

namespace SharedList.Stores.Redis;

/// <summary>
/// Where the Redis store's lists live and how it talks to the server: a Redis, Garnet, Valkey or any server that speaks
/// RESP and runs Lua scripts. Read from <c>redis://[user:password@]host:port[/db]</c>, or <c>rediss://</c> for TLS.
/// </summary>
public sealed record RedisStoreOptions
{
    /// <summary>The port a URI without one names: Redis's.</summary>
    public const int DefaultPort = 6379;

    /// <summary>The server's host name or IP address.</summary>
    public required string Host { get; init; }

    /// <summary>The server's port. Default <see cref="DefaultPort"/>.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The ACL user (Redis 6+); null for the default user.</summary>
    public string? User { get; init; }

    /// <summary>The password (<c>AUTH</c>); null for none.</summary>
    public string? Password { get; init; }

    /// <summary>The database number (<c>SELECT</c>). Default 0.</summary>
    public int Database { get; init; }

    /// <summary>Talk to the server over TLS (<c>rediss://</c>), checking its certificate against <see cref="Host"/>.</summary>
    public bool Tls { get; init; }

    /// <summary>Items a list holds at most; an append past it is refused, atomically across every process on the server.</summary>
    public int MaxItems { get; init; } = InMemoryList.DefaultMaxItems;

    /// <summary>How long a connection attempt may take. Short, so that start-up with the server down and each reconnection attempt are quick.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one commit's round trip may take before its operations are answered unavailable.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The server as <c>host:port</c>, for messages: never the password.</summary>
    public string Address => (Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads a store address: <c>redis://[user:password@]host[:port][/db]</c>, or <c>rediss://</c> for TLS.</summary>
    /// <exception cref="FormatException">It is not such an address; the message says what is wrong.</exception>
    public static RedisStoreOptions Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            throw new FormatException($"'{Redacted(uri)}' is not a URI: expected redis://[user:password@]host:port[/db] or rediss://");
        }

        return FromUri(parsed);
    }

    /// <summary>Reads a store address already parsed as a URI.</summary>
    /// <exception cref="FormatException">It is not a Redis address; the message says what is wrong.</exception>
    public static RedisStoreOptions FromUri(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var shown = Redacted(uri.OriginalString);
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("redis" or "rediss"))
        {
            throw new FormatException($"'{shown}': the scheme must be redis:// or rediss:// (TLS)");
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"'{shown}' names no host; e.g. redis://127.0.0.1:6379");
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new FormatException($"'{shown}': a Redis address takes no ?query or #fragment");
        }

        var path = uri.AbsolutePath.Trim('/');
        var database = 0;
        if (path.Length > 0 && !int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out database))
        {
            throw new FormatException($"'{shown}': the path is the database number, e.g. redis://127.0.0.1:6379/0, got '/{path}'");
        }

        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = colon < 0 ? uri.UserInfo : uri.UserInfo[..colon];
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            user = user.Length == 0 ? null : Uri.UnescapeDataString(user);
        }

        return new RedisStoreOptions
        {
            Host = uri.IdnHost.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port,
            User = user,
            Password = password,
            Database = database,
            Tls = uri.Scheme == "rediss",
        };
    }

    /// <summary>The address as a URI, without the password.</summary>
    public override string ToString()
    {
        var credentials = User is null && Password is null
            ? string.Empty
            : (User is null ? string.Empty : Uri.EscapeDataString(User)) + (Password is null ? string.Empty : ":***") + "@";
        return $"{(Tls ? "rediss" : "redis")}://{credentials}{Address}/{Database.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>StackExchange.Redis's configuration: fail fast while disconnected, reconnect with backoff.</summary>
    internal ConfigurationOptions ToConfiguration()
    {
        var configuration = new ConfigurationOptions
        {
            User = User,
            Password = Password,
            DefaultDatabase = Database,
            Ssl = Tls,
            SslHost = Tls ? Host : null,
            ClientName = "sharedlist",

            // Start even when the server is down, and keep trying in the background.
            AbortOnConnectFail = false,
            ConnectRetry = 1,
            ConnectTimeout = Milliseconds(ConnectTimeout),
            SyncTimeout = Milliseconds(CommandTimeout),
            AsyncTimeout = Milliseconds(CommandTimeout),
            ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 100, maxDeltaBackOffMilliseconds: 2000),
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),

            // While disconnected, a command fails at once instead of queueing until its timeout: a client is told
            // "store unavailable" now, not after the command timeout.
            BacklogPolicy = BacklogPolicy.FailFast,

            // One server, no primary election: the tie-breaker key and the configuration channel are not needed.
            TieBreaker = string.Empty,
            ConfigurationChannel = string.Empty,
        };
        configuration.EndPoints.Add(IPAddress.TryParse(Host, out var address) ? new IPEndPoint(address, Port) : new DnsEndPoint(Host, Port));
        return configuration;
    }

    private static int Milliseconds(TimeSpan time) => (int)Math.Clamp(time.TotalMilliseconds, 1, int.MaxValue);

    // The address with any password replaced, for error messages that end up in logs.
    private static string Redacted(string text)
    {
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var at = text.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return text;
        }

        var userInfo = text[(scheme + 3)..at];
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? text : new StringBuilder(text).Remove(scheme + 3 + colon + 1, userInfo.Length - colon - 1).Insert(scheme + 3 + colon + 1, "***").ToString();
    }
}
