using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using static SharedList.Tests.Support.ListStoreExtensions;

namespace SharedList.Tests.Stores.Redis;

/// <summary>
/// Several real <c>sharedlist serve --store redis://</c> processes on one Redis (a redis-server process, or Garnet
/// hosted in the test): one list, whichever process a client reaches; and <c>--reuse-port</c>, several on one port.
/// </summary>
public sealed partial class RedisCliTests
{
    private const int Processes = 3;
    private static readonly TimeSpan Timeout = CliProcess.DefaultTimeout;

    public static TheoryData<string> Kinds => RedisTarget.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Three_processes_on_one_Redis_serve_one_list_every_acknowledged_item_in_one_order(string kind)
    {
        const int Clients = 30;
        const int ItemsPerClient = 20;
        await using var redis = await RedisTarget.StartAsync(kind);
        var servers = new List<CliProcess>();
        try
        {
            var endPoints = new List<IPEndPoint>();
            for (var i = 0; i < Processes; i++)
            {
                var (process, endPoint) = await CliProcess.StartServerAsync("--store", redis.Uri);
                servers.Add(process);
                endPoints.Add(endPoint);
            }

            // 30 clients spread over the three processes, appending at once.
            var acknowledged = new ConcurrentBag<string>();
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
            {
                using var connection = await LineConnection.ConnectAsync(endPoints[client % Processes]);
                for (var n = 0; n < ItemsPerClient; n++)
                {
                    var item = $"c{client}-{n}";
                    Assert.Equal("Ack", connection.Request(item));
                    acknowledged.Add(item);
                }
            }))).WaitAsync(Timeout);

            var stored = redis.Items("sharedlist");
            Assert.Equal(acknowledged.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
            foreach (var client in Enumerable.Range(0, Clients))
            {
                Assert.Equal(
                    Enumerable.Range(0, ItemsPerClient).Select(n => $"c{client}-{n}"),
                    stored.Where(item => item.StartsWith($"c{client}-", StringComparison.Ordinal)));
            }

            // Every process shows the same list, in the one order Redis keeps.
            foreach (var endPoint in endPoints)
            {
                using var reader = await LineConnection.ConnectAsync(endPoint);
                Assert.Equal(Str(stored), reader.Request("LIST"));
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Three_processes_with_reuse_port_share_one_port_and_each_serves_clients(string kind)
    {
        const int Clients = 30;
        await using var redis = await RedisTarget.StartAsync(kind);
        var port = RedisTarget.FreePort();
        var servers = new List<CliProcess>();
        try
        {
            for (var i = 0; i < Processes; i++)
            {
                var server = CliProcess.Start("serve", "--port", port.ToString(CultureInfo.InvariantCulture), "--reuse-port", "--store", redis.Uri);
                servers.Add(server);
                var line = await server.ReadLineAsync(Timeout);
                Assert.True(line is not null && ReadinessLine().IsMatch(line), $"process {i}: expected the readiness line, got '{line}'; stderr: {server.StandardError}");
                Assert.StartsWith($"listening on 127.0.0.1:{port} ", line, StringComparison.Ordinal);
            }

            // The kernel spreads connections over the three listeners by their addresses: with 30 clients, each
            // process gets some but with a chance of about 1 in 60,000.
            var endPoint = new IPEndPoint(IPAddress.Loopback, port);
            var connections = new List<LineConnection>();
            try
            {
                for (var client = 0; client < Clients; client++)
                {
                    var connection = await LineConnection.ConnectAsync(endPoint);
                    connections.Add(connection);
                    Assert.Equal("Ack", connection.Request($"c{client}"));
                }

                Assert.Equal(Str([.. Enumerable.Range(0, Clients).Select(client => $"c{client}")]), connections[0].Request("LIST"));
            }
            finally
            {
                connections.ForEach(connection => connection.Dispose());
            }

            foreach (var server in servers)
            {
                await server.WaitForStandardErrorAsync("connected (connection", Timeout);
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Serve_starts_with_Redis_down_says_so_answers_unavailable_and_serves_once_Redis_is_up(string kind)
    {
        await using var redis = await RedisTarget.StartAsync(kind);
        await redis.KillAsync();

        var (server, endPoint) = await CliProcess.StartServerAsync("--store", redis.Uri);
        await using (server)
        {
            await server.WaitForStandardErrorAsync($"Redis at 127.0.0.1:{redis.Port} is unreachable at start-up", Timeout);
            using var client = await LineConnection.ConnectAsync(endPoint);
            Assert.Equal($"ERR store unavailable: redis at 127.0.0.1:{redis.Port} is unreachable", client.Request("early"));
            Assert.StartsWith("ERR store unavailable", client.Request("LIST"), StringComparison.Ordinal);

            await redis.RestartAsync();
            await Eventually.TrueAsync(() => client.Request("served") == "Ack", Timeout, "an append to be acknowledged");
            Assert.Equal(Str("served"), client.Request("LIST"));
            Assert.Equal(["served"], redis.Items("sharedlist"));
            await server.WaitForStandardErrorAsync($"Redis at 127.0.0.1:{redis.Port} is reachable again", Timeout);
        }
    }

    [Fact]
    public async Task Reuse_port_with_the_memory_store_is_refused_because_processes_share_no_memory()
    {
        await using var server = CliProcess.Start("serve", "--port", "0", "--reuse-port");

        Assert.Equal(2, await server.WaitForExitAsync(Timeout));
        Assert.Contains("share no memory", server.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:6379", "redis://")]
    [InlineData("redis://127.0.0.1:6379/0?timeout=1", "no ?query")]
    public async Task A_store_address_that_is_not_Redis_is_refused_with_what_is_wrong(string address, string expected)
    {
        await using var server = CliProcess.Start("serve", "--port", "0", "--store", address);

        Assert.NotEqual(0, await server.WaitForExitAsync(Timeout));
        Assert.Contains(expected, server.StandardError, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^listening on \S+ \([^)]+\)$")]
    private static partial Regex ReadinessLine();
}
