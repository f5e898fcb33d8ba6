using System.Net;
using SharedList.Hosting;
using SharedList.Service;
using SharedList.Stores;
using SocketServer;
using Server = SocketServer.IServer;
using StackExchange.Redis;

namespace SharedList.Tests.Resp.RealClients;

/// <summary>StackExchange.Redis, a client library as applications use it, against the RESP server in this process.</summary>
public sealed class StackExchangeRedisTests
{
    // The library opens a second connection for its subscriptions: the models that serve one connection at a time
    // would hold it back, so they are not among these.
    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task Lists_are_pushed_ranged_popped_counted_and_deleted(ServerModel model)
    {
        using var store = new MemoryListStore();
        var server = Start(model, store, password: null);
        try
        {
            await using var connection = await ConnectAsync(server, password: null);
            var db = connection.GetDatabase();

            Assert.True(await db.PingAsync() < TimeSpan.FromSeconds(30));
            Assert.Equal(3, await db.ListRightPushAsync("k", ["a", "b", "c"]));
            Assert.Equal(5, await db.ListLeftPushAsync("k", ["y", "x"]));
            Assert.Equal(6, await db.ListRightPushAsync("k", "d"));
            Assert.Equal(["x", "y", "a", "b", "c", "d"], Strings(await db.ListRangeAsync("k")));
            Assert.Equal(["y", "a"], Strings(await db.ListRangeAsync("k", 1, 2)));
            Assert.Equal(["c", "d"], Strings(await db.ListRangeAsync("k", -2, -1)));
            Assert.Equal(6, await db.ListLengthAsync("k"));
            Assert.Equal("y", (string?)await db.ListGetByIndexAsync("k", 1));
            Assert.Equal("d", (string?)await db.ListGetByIndexAsync("k", -1));
            Assert.True((await db.ListGetByIndexAsync("k", 99)).IsNull);

            Assert.Equal("x", (string?)await db.ListLeftPopAsync("k"));
            Assert.Equal(["d", "c"], Strings(await db.ListRightPopAsync("k", 2)));
            Assert.Equal(["y", "a"], Strings(await db.ListLeftPopAsync("k", 2)));
            Assert.Equal(["b"], Strings(await db.ListRangeAsync("k")));
            Assert.True((await db.ListLeftPopAsync("nokey")).IsNull);
            Assert.Empty(await db.ListRightPopAsync("nokey", 2));
            Assert.Equal(0, await db.ListLengthAsync("nokey"));
            Assert.Empty(await db.ListRangeAsync("nokey"));

            Assert.True(await db.KeyExistsAsync("k"));
            Assert.False(await db.KeyExistsAsync("nokey"));
            Assert.Equal(1, await db.KeyExistsAsync(["k", "nokey"]));
            Assert.Equal(RedisType.List, await db.KeyTypeAsync("k"));
            Assert.Equal(RedisType.None, await db.KeyTypeAsync("nokey"));
            Assert.True(await db.KeyDeleteAsync("k"));
            Assert.False(await db.KeyDeleteAsync("k"));
            Assert.False(await db.KeyExistsAsync("k"));

            // A pipeline of many commands at once, as the library sends them, each answered in order.
            var pushes = Enumerable.Range(0, 1000).Select(i => db.ListRightPushAsync("many", $"item-{i}")).ToArray();
            Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), await Task.WhenAll(pushes));
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"item-{i}"), Strings(await db.ListRangeAsync("many")));

            // What the library saw of the server: Redis 7.2, one standalone primary.
            var endPoint = connection.GetEndPoints().Single();
            var serverInfo = connection.GetServer(endPoint);
            Assert.Equal(new Version(7, 2, 0), serverInfo.Version);
            Assert.Equal(ServerType.Standalone, serverInfo.ServerType);
            Assert.False(serverInfo.IsReplica);
        }
        finally
        {
            await StopAsync(server);
        }
    }

    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task A_password_is_given_with_the_connection_and_a_wrong_one_is_refused(ServerModel model)
    {
        using var store = new MemoryListStore();
        var server = Start(model, store, password: "s3cret");
        try
        {
            await using (var connection = await ConnectAsync(server, password: "s3cret"))
            {
                var db = connection.GetDatabase();
                Assert.Equal(2, await db.ListRightPushAsync("k", ["a", "b"]));
                Assert.Equal(["a", "b"], Strings(await db.ListRangeAsync("k")));
            }

            var wrong = await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectAsync(server, password: "wrong"));
            Assert.Equal(ConnectionFailureType.AuthenticationFailure, wrong.FailureType);
        }
        finally
        {
            await StopAsync(server);
        }
    }

    private static string?[] Strings(RedisValue[]? values) => [.. (values ?? []).Select(value => (string?)value)];

    private static Server Start(ServerModel model, IListStore store, string? password)
    {
        var settings = new ServerSettings
        {
            Model = model,
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            RespPort = 0,
            Password = Password.FromOptional(password),
        };
        var server = ServerFactory.CreateResp(settings, store);
        server.Start();
        return server;
    }

    private static async Task<ConnectionMultiplexer> ConnectAsync(Server server, string? password)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { server.LocalEndPoint },
            Password = password,
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            ConnectTimeout = 10_000,
            SyncTimeout = 30_000,
            AsyncTimeout = 30_000,
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private static async Task StopAsync(Server server)
    {
        await server.StopAsync(TimeSpan.Zero).WaitAsync(TimeSpan.FromSeconds(30));
        server.Dispose();
    }
}
