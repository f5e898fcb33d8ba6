using System.Net;
using System.Net.Sockets;
using System.Text;
using SharedList.Stores.Redis;
using StackExchange.Redis;

namespace SharedList.Tests.Stores.Redis;

/// <summary>
/// A Redis-compatible server for one test, on a free loopback port: a real <c>redis-server</c> process where it is
/// installed, or Garnet hosted in the test process, so that the Redis store is tested on a machine with only the SDK.
/// </summary>
internal abstract class RedisTarget : IAsyncDisposable
{
    /// <summary>The name of a real Redis server process.</summary>
    public const string RedisServer = "redis-server";

    /// <summary>The name of Garnet in-process.</summary>
    public const string Garnet = "garnet";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private ConnectionMultiplexer? _admin;

    protected RedisTarget(int port)
    {
        Port = port;
    }

    /// <summary>Every kind of server the Redis-store tests run against.</summary>
    public static TheoryData<string> Kinds => new(RedisServer, Garnet);

    public abstract string Name { get; }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The address as <c>sharedlist serve --store</c> takes it.</summary>
    public string Uri => $"redis://127.0.0.1:{Port}";

    /// <summary>True while the server is running.</summary>
    public abstract bool IsRunning { get; }

    /// <summary>
    /// Starts a server of <paramref name="kind"/>. A redis-server where none is installed skips the test, saying so.
    /// </summary>
    /// <param name="kind"><see cref="RedisServer"/> or <see cref="Garnet"/>.</param>
    /// <param name="redisArguments">More redis-server options, such as persistence (redis-server only).</param>
    public static async Task<RedisTarget> StartAsync(string kind, params string[] redisArguments) => kind switch
    {
        RedisServer => await RedisServerProcess.StartAsync(redisArguments),
        Garnet => GarnetHost.Start(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "expected redis-server or garnet"),
    };

    /// <summary>A port nothing listens on now (the server binds it next; a clash is retried by the caller).</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>True when a server on <paramref name="endPoint"/> answers PING.</summary>
    public static bool Answers(IPEndPoint endPoint)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 1000, SendTimeout = 1000 };
            socket.Connect(endPoint);
            socket.Send("PING\r\n"u8);
            var reply = new byte[16];
            var read = socket.Receive(reply);
            return Encoding.ASCII.GetString(reply, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Store options for this server.</summary>
    public RedisStoreOptions StoreOptions(int maxItems = 1_000_000) => RedisStoreOptions.Parse(Uri) with { MaxItems = maxItems };

    /// <summary>A database on this server, on a connection of the test's own (admin commands allowed).</summary>
    public IDatabase Database()
    {
        _admin ??= ConnectionMultiplexer.Connect(new ConfigurationOptions
        {
            EndPoints = { EndPoint },
            AllowAdmin = true,
            AbortOnConnectFail = false,
            ConnectTimeout = 5000,
            SyncTimeout = 10_000,
        });
        return _admin.GetDatabase();
    }

    /// <summary>The items of the list <paramref name="key"/>, as <c>LRANGE key 0 -1</c> returns them.</summary>
    public string[] Items(string key) => [.. Database().ListRange(key).Select(value => (string)value!)];

    /// <summary>Empties the database, for a test that reuses the server.</summary>
    public void Flush() => Database().Execute("FLUSHDB");

    /// <summary>Stops the server at once (<c>kill -9</c> for a process), leaving its port free.</summary>
    public abstract Task KillAsync();

    /// <summary>Starts the server again on the same port (and, for a process, the same directory).</summary>
    public abstract Task RestartAsync();

    public virtual async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }
    }

    /// <summary>Waits until the server answers PING; fails when <paramref name="exited"/> says it is gone.</summary>
    protected async Task WaitUntilAnswersAsync(Func<string?> exited)
    {
        await Eventually.TrueAsync(
            () => exited() is { } why ? throw new InvalidOperationException($"{Name} on port {Port} exited: {why}") : Answers(EndPoint),
            StartTimeout,
            $"{Name} on port {Port} answers PING");
    }
}
