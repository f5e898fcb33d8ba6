using System.Globalization;
using System.Text.RegularExpressions;
using SharedList.Protocol.Resp;
using SharedList.Service;
using SharedList.Tests.Stores.Redis;

namespace SharedList.Tests.Resp.RealClients;

/// <summary>Redis's own redis-cli against <c>sharedlist serve --resp-port</c>, a real process, and against redis-server.</summary>
public sealed partial class RedisCliTests
{
    [Fact]
    public async Task Every_command_prints_in_redis_cli_as_Redis_prints_it_and_redis_cli_exits_0()
    {
        await using var server = await RespServeProcess.StartAsync();

        await CliStep.RunAllAsync(server.Resp, RedisCliScripts.Commands);
        await server.StopAsync();
    }

    [Fact]
    public async Task With_a_password_redis_cli_authenticates_with_a_and_user_pass_and_is_refused_without()
    {
        await using var server = await RespServeProcess.StartAsync("--requirepass", "pw");

        await CliStep.RunAllAsync(server.Resp, RedisCliScripts.Auth);
        await server.StopAsync();
    }

    [Fact]
    public async Task Redis_server_prints_the_same_in_redis_cli_but_for_the_differences_the_steps_name()
    {
        RequiredTool.RedisCli.Require("redis-cli's output is not compared with Redis's");
        RequiredTool.RedisServer.Require("redis-cli's output is not compared with Redis's");
        await using var redis = await RedisServerProcess.StartAsync([]);

        await CliStep.RunAllAsync(redis.EndPoint, RedisCliScripts.Commands, isRedis: true);
    }

    [Fact]
    public async Task Redis_server_with_a_password_prints_the_same_in_redis_cli_but_for_the_differences_the_steps_name()
    {
        RequiredTool.RedisCli.Require("redis-cli's output is not compared with Redis's");
        RequiredTool.RedisServer.Require("redis-cli's output is not compared with Redis's");
        await using var redis = await RedisServerProcess.StartAsync([]);

        // Set once it answers: the readiness check's PING would be refused with a password from the start.
        Assert.Equal(["OK"], (await RedisCli.RunAsync(redis.EndPoint, ["CONFIG", "SET", "requirepass", "pw"])).Output);

        await CliStep.RunAllAsync(redis.EndPoint, RedisCliScripts.Auth, isRedis: true);
    }

    [Fact]
    public async Task Info_hello_client_and_command_answer_in_Redis_shapes_with_this_servers_values()
    {
        await using var server = await RespServeProcess.StartAsync();
        var resp = server.Resp;

        var info = await RedisCli.RunAsync(resp, ["INFO"]);
        Assert.Equal(0, info.ExitCode);
        Assert.Equal(["# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Keyspace"], info.Output.Where(line => line.StartsWith('#')));
        Assert.Contains("redis_version:7.2.0", info.Output);
        Assert.Contains($"tcp_port:{resp.Port}", info.Output);
        Assert.Contains("aof_enabled:0", info.Output);
        Assert.Contains(info.Output, line => ConnectedClients().IsMatch(line));

        // The keyspace section lists db0 once it holds a key, as Redis does.
        Assert.Equal(["(integer) 1"], (await RedisCli.TypedAsync(resp, "RPUSH", "k", "a")).Output);
        Assert.Equal(["# Keyspace", "db0:keys=1,expires=0,avg_ttl=0"], (await RedisCli.RunAsync(resp, ["INFO", "keyspace"])).Output);

        // HELLO 2 as Redis answers it; the id is the connection's, as CLIENT ID says. Only RESP2 is served: HELLO 3
        // is refused, and a RESP3 client falls back to RESP2, as with Redis 5.
        var hello = await RedisCli.TypedAsync(resp, "HELLO", "2");
        Assert.Equal(0, hello.ExitCode);
        Assert.Equal(14, hello.Output.Count);
        Assert.Equal(
            [" 1) \"server\"", " 2) \"redis\"", " 3) \"version\"", " 4) \"7.2.0\"", " 5) \"proto\"", " 6) (integer) 2", " 7) \"id\""],
            hello.Output.Take(7));
        Assert.Matches(@"^ 8\) \(integer\) \d+$", hello.Output[7]);
        Assert.Equal([" 9) \"mode\"", "10) \"standalone\"", "11) \"role\"", "12) \"master\"", "13) \"modules\"", "14) (empty array)"], hello.Output.Skip(8));
        Assert.Equal(["(error) NOPROTO unsupported protocol version"], (await RedisCli.TypedAsync(resp, "HELLO", "3")).Output);

        // CLIENT ID and INFO of one connection (commands piped to one redis-cli); Redis's CLIENT INFO has more fields.
        var client = await RedisCli.RunAsync(resp, [], "CLIENT SETNAME named\nCLIENT ID\nCLIENT INFO\n");
        Assert.Equal(0, client.ExitCode);
        Assert.Equal(3, client.Output.Count);
        Assert.Equal("OK", client.Output[0]);
        var id = long.Parse(client.Output[1], CultureInfo.InvariantCulture);
        Assert.Matches($@"^id={id} addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:{resp.Port} name=named db=0 resp=2$", client.Output[2]);

        // COMMAND DOCS, which redis-cli asks at start for its hints, is answered empty: redis-cli then gives none.
        // Redis answers every command's documentation.
        Assert.Equal(["(empty array)"], (await RedisCli.TypedAsync(resp, "COMMAND", "DOCS")).Output);
        Assert.Equal([$"(integer) {RespCommand.All.Count}"], (await RedisCli.TypedAsync(resp, "COMMAND", "COUNT")).Output);
        Assert.Equal(["1) \"databases\"", "2) \"1\""], (await RedisCli.TypedAsync(resp, "CONFIG", "GET", "databases")).Output);
        await server.StopAsync();
    }

    [Fact]
    public async Task Redis_cli_exits_1_and_says_so_where_nothing_listens()
    {
        using var refusing = RefusingPort.Tcp();
        var port = refusing.Port;

        var run = await RedisCli.TypedAsync(refusing.EndPoint, "PING");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Could not connect to Redis at 127.0.0.1:{port}: Connection refused", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_cli_and_the_line_protocol_share_the_list()
    {
        await using var server = await RespServeProcess.StartAsync();
        var key = SharedListOptions.DefaultListKey;

        using (var lab = await LineConnection.ConnectAsync(server.Line))
        {
            Assert.Equal("Ack", lab.Request("from the lab"));
        }

        Assert.Equal(["1) \"from the lab\""], (await RedisCli.TypedAsync(server.Resp, "LRANGE", key, "0", "-1")).Output);
        Assert.Equal(["(integer) 3"], (await RedisCli.TypedAsync(server.Resp, "RPUSH", key, "from redis-cli", "and one more")).Output);

        using (var lab = await LineConnection.ConnectAsync(server.Line))
        {
            Assert.Equal("['from the lab', 'from redis-cli', 'and one more']", lab.Request("LIST"));
        }

        Assert.Equal(["\"from the lab\""], (await RedisCli.TypedAsync(server.Resp, "LPOP", key)).Output);
        using (var lab = await LineConnection.ConnectAsync(server.Line))
        {
            Assert.Equal("['from redis-cli', 'and one more']", lab.Request("LIST"));
        }

        await server.StopAsync();
    }

    [GeneratedRegex(@"^connected_clients:[1-9]\d*$")]
    private static partial Regex ConnectedClients();
}
