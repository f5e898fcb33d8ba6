using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using SharedList.Hosting;
using SharedList.Protocol;
using SharedList.Stores.Redis;
using SocketServer;

namespace SharedList.Tests.Stores.Redis;

/// <summary>
/// A real redis-server killed with <c>kill -9</c> under a load served by a real server, then restarted on its port
/// with <c>appendfsync always</c>, so that what it acknowledged survives: errors while it is down, never a false
/// <c>Ack</c>, and serving resumes.
/// </summary>
public sealed class RedisFaultTests
{
    private const int Clients = 10;
    private const int MaxRequestsPerClient = 20_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Models => ["async", "epoll", "threading"];

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Redis_killed_under_load_gives_errors_and_no_false_Ack_and_serving_resumes_when_it_is_back(string model)
    {
        await using var redis = await RedisTarget.StartAsync(RedisTarget.RedisServer, "--appendonly", "yes", "--appendfsync", "always");
        using var store = RedisListStore.Connect(redis.StoreOptions(), new RecordingLogger());
        var settings = new ServerSettings { Model = ServerModels.Parse(model), EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        using var server = ServerFactory.Create(settings, store);
        server.Start();

        var load = new Load(server.LocalEndPoint);
        var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(() => load.Run(client))).ToArray();
        try
        {
            await Eventually.TrueAsync(() => load.Acks >= 200, Bound, "the load to be served");

            await redis.KillAsync();
            var acksAtKill = load.Acks;
            await Eventually.TrueAsync(() => load.Refusals >= Clients * 5, Bound, "clients to be told the store is unavailable");

            // kill -9 loses nothing acknowledged with appendfsync always; restarted on the same port, it is found again.
            await redis.RestartAsync();
            var refusalsAtRestart = load.Refusals;
            var acksAtRestart = load.Acks;
            await Eventually.TrueAsync(() => load.Acks >= acksAtRestart + 100, Bound, "appends to be acknowledged again");
            Assert.True(acksAtKill > 0 && refusalsAtRestart > 0);
        }
        finally
        {
            load.Stop();
            await Task.WhenAll(clients).WaitAsync(Bound);
        }

        Assert.Empty(load.Unexpected);
        Assert.All(load.RefusalTexts, text => Assert.Equal($"ERR store unavailable: redis at 127.0.0.1:{redis.Port} is unreachable", text));

        // Every acknowledged item is in Redis, once; nothing is there that was not sent; each client's items in its order.
        var stored = redis.Items(SharedList.Service.SharedListOptions.DefaultListKey);
        Assert.Equal(stored.Length, stored.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(load.Acknowledged.Except(stored, StringComparer.Ordinal));
        foreach (var client in Enumerable.Range(0, Clients))
        {
            var sequence = stored.Where(item => item.StartsWith($"c{client}-", StringComparison.Ordinal))
                .Select(item => int.Parse(item[(item.IndexOf('-', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture))
                .ToArray();
            Assert.Equal(sequence.Order(), sequence);
            Assert.All(sequence, n => Assert.True(n < load.Sent(client), $"c{client}-{n} was never sent"));
        }

        await server.StopAsync(TimeSpan.Zero).WaitAsync(Bound);
    }

    /// <summary>Clients that append one item at a time and read each reply, until told to stop (bounded in count).</summary>
    private sealed class Load(EndPoint server)
    {
        private readonly ConcurrentBag<string> _acknowledged = [];
        private readonly ConcurrentBag<string> _unexpected = [];
        private readonly ConcurrentDictionary<string, byte> _refusalTexts = new(StringComparer.Ordinal);
        private readonly int[] _sent = new int[Clients];
        private volatile bool _stopping;
        private int _acks;
        private int _refusals;

        public int Acks => Volatile.Read(ref _acks);

        public int Refusals => Volatile.Read(ref _refusals);

        public IReadOnlyCollection<string> Acknowledged => _acknowledged;

        public IReadOnlyCollection<string> Unexpected => _unexpected;

        public IEnumerable<string> RefusalTexts => _refusalTexts.Keys;

        public int Sent(int client) => Volatile.Read(ref _sent[client]);

        public void Stop() => _stopping = true;

        public async Task Run(int client)
        {
            using var connection = await LineConnection.ConnectAsync(server);
            for (var n = 0; n < MaxRequestsPerClient && !_stopping; n++)
            {
                var item = $"c{client}-{n}";
                Volatile.Write(ref _sent[client], n + 1);
                var reply = connection.Request(item);
                if (reply == Replies.Ack)
                {
                    _acknowledged.Add(item);
                    Interlocked.Increment(ref _acks);
                }
                else if (reply.StartsWith(Replies.StoreUnavailablePrefix, StringComparison.Ordinal))
                {
                    _refusalTexts.TryAdd(reply, 0);
                    Interlocked.Increment(ref _refusals);
                }
                else
                {
                    _unexpected.Add($"{item}: {reply}");
                }
            }
        }
    }
}
