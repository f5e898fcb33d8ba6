using System.Net;
using SharedList.Hosting;
using SharedList.Service;
using SharedList.Stores;
using SocketServer;

namespace SharedList.Tests.Resp;

/// <summary>The Redis protocol over real sockets beside the line protocol, on one store, on every model.</summary>
public sealed class RespOnEveryModelTests
{
    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task List_commands_work_over_loopback(ServerModel model)
    {
        using var store = new MemoryListStore();
        await using var servers = Servers.Start(model, store);
        using var client = await RespConnection.ConnectAsync(servers.Resp.LocalEndPoint);

        Assert.Equal("PONG", client.Call("PING"));
        Assert.Equal(3L, client.Call("RPUSH", "k", "a", "b", "c"));
        Assert.Equal(new object?[] { "a", "b", "c" }, client.Call("LRANGE", "k", "0", "-1"));
        Assert.Equal("a", client.Call("LPOP", "k"));
        Assert.Equal(new RespError("ERR wrong number of arguments for 'lpush' command"), client.Call("LPUSH", "k"));
        Assert.Equal(2L, client.Call("LLEN", "k"));
        Assert.Equal("OK", client.Call("QUIT"));
        Assert.True(client.IsClosedByServer());
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Pipelined_requests_and_a_long_lrange_arrive_whole(ServerModel model)
    {
        using var store = new MemoryListStore();
        await using var servers = Servers.Start(model, store, outputBudget: 4096);
        using var client = await RespConnection.ConnectAsync(servers.Resp.LocalEndPoint);

        var pipeline = string.Concat(Enumerable.Range(0, 2000).Select(i => RespSessions.Command("RPUSH", "big", $"item-{i}")));
        client.SendRaw(pipeline + RespSessions.Command("LRANGE", "big", "0", "-1"));
        for (var i = 0; i < 2000; i++)
        {
            Assert.Equal((long)i + 1, client.Read());
        }

        var items = Assert.IsType<object?[]>(client.Read());
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => (object?)$"item-{i}"), items);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task The_line_protocol_and_RESP_see_each_others_changes(ServerModel model)
    {
        using var store = new MemoryListStore();
        await using var servers = Servers.Start(model, store);

        using (var line = await LineConnection.ConnectAsync(servers.Line.LocalEndPoint))
        {
            Assert.Equal("Ack", line.Request("from the lab"));
        }

        using (var resp = await RespConnection.ConnectAsync(servers.Resp.LocalEndPoint))
        {
            Assert.Equal(new object?[] { "from the lab" }, resp.Call("LRANGE", SharedListOptions.DefaultListKey, "0", "-1"));
            Assert.Equal(2L, resp.Call("RPUSH", SharedListOptions.DefaultListKey, "from redis"));
        }

        using (var line = await LineConnection.ConnectAsync(servers.Line.LocalEndPoint))
        {
            Assert.Equal("['from the lab', 'from redis']", line.Request("LIST"));
        }
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_password_guards_RESP_too(ServerModel model)
    {
        using var store = new MemoryListStore();
        await using var servers = Servers.Start(model, store, password: "s3cret");
        using var client = await RespConnection.ConnectAsync(servers.Resp.LocalEndPoint);

        Assert.Equal(new RespError("NOAUTH Authentication required."), client.Call("LLEN", "k"));
        Assert.Equal("OK", client.Call("AUTH", "default", "s3cret"));
        Assert.Equal(0L, client.Call("LLEN", "k"));
    }

    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task A_client_past_the_connection_limit_gets_Redis_refusal(ServerModel model)
    {
        using var store = new MemoryListStore();
        await using var servers = Servers.Start(model, store, maxConnections: 1);
        using var first = await RespConnection.ConnectAsync(servers.Resp.LocalEndPoint);
        Assert.Equal("PONG", first.Call("PING"));

        using var second = await RespConnection.ConnectAsync(servers.Resp.LocalEndPoint);

        Assert.Equal(new RespError("ERR max number of clients reached"), second.Read());
        Assert.True(second.IsClosedByServer());
    }

    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task A_protocol_error_is_answered_then_the_connection_closes_and_others_go_on(ServerModel model)
    {
        using var store = new MemoryListStore();
        await using var servers = Servers.Start(model, store);
        using var bystander = await RespConnection.ConnectAsync(servers.Resp.LocalEndPoint);
        using var client = await RespConnection.ConnectAsync(servers.Resp.LocalEndPoint);

        client.SendRaw("*1\r\n$4\r\nPING\r\n*x\r\n");
        Assert.Equal("PONG", client.Read());
        Assert.Equal(new RespError("ERR Protocol error: invalid multibulk length"), client.Read());
        Assert.True(client.IsClosedByServer());

        Assert.Equal(1L, bystander.Call("RPUSH", "k", "still served"));
    }

    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task A_silent_client_is_closed_after_the_idle_timeout(ServerModel model)
    {
        using var store = new MemoryListStore();
        await using var servers = Servers.Start(model, store, idleTimeout: TimeSpan.FromMilliseconds(300));
        using var client = await RespConnection.ConnectAsync(servers.Resp.LocalEndPoint);
        Assert.Equal("PONG", client.Call("PING"));

        // The read blocks until the server closes the connection (RespConnection's own timeout bounds it).
        Assert.True(client.IsClosedByServer());
    }

    [Fact]
    public void Resp_is_refused_on_UDP_and_Unix_sockets()
    {
        using var store = new MemoryListStore();
        var udp = new ServerSettings { Udp = true, Model = ServerModel.Threading, RespPort = 0, EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        var unix = new ServerSettings { RespPort = 0, EndPoint = new System.Net.Sockets.UnixDomainSocketEndPoint("/tmp/none.sock") };

        Assert.Throws<ArgumentException>(() => ServerFactory.CreateResp(udp, store));
        Assert.Throws<ArgumentException>(() => ServerFactory.CreateResp(unix, store));
    }

    /// <summary>The line protocol's server and the RESP server on one store, as <c>serve --resp-port</c> runs them.</summary>
    private sealed class Servers : IAsyncDisposable
    {
        private Servers(IServer line, IServer resp)
        {
            Line = line;
            Resp = resp;
        }

        public IServer Line { get; }

        public IServer Resp { get; }

        public static Servers Start(ServerModel model, IListStore store, int outputBudget = SharedListOptions.DefaultOutputBudgetBytes, string? password = null, int maxConnections = 10_000, TimeSpan? idleTimeout = null)
        {
            var settings = new ServerSettings
            {
                Model = model,
                EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                RespPort = 0,
                MaxReplyBuffer = outputBudget,
                Password = Password.FromOptional(password),
                Options = new ServerOptions { MaxConnections = maxConnections, IdleTimeout = idleTimeout ?? new ServerOptions().IdleTimeout },
            };
            var line = ServerFactory.Create(settings, store);
            var resp = ServerFactory.CreateResp(settings, store);
            line.Start();
            resp.Start();
            return new Servers(line, resp);
        }

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(Line.StopAsync(TimeSpan.Zero), Resp.StopAsync(TimeSpan.Zero)).WaitAsync(TimeSpan.FromSeconds(30));
            Line.Dispose();
            Resp.Dispose();
        }
    }
}
