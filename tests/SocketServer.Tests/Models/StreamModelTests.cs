using System.Net.Sockets;
using System.Text;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

/// <summary>
/// How every stream model serves: each behaviour written once and run on every model (as dotnet/runtime's socket
/// tests do per I/O mode), against the line-reverse protocol. Each test owns its servers.
/// </summary>
public sealed class StreamModelTests : IDisposable
{
    private readonly TestServers _servers = new();

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Serves_many_request_reply_rounds_on_one_persistent_connection(ServerModel model)
    {
        var server = _servers.Start(model);
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(LineReverseSession.Reply($"msg-{i}"), await client.RoundTripAsync($"msg-{i}"));
        }
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Answers_pipelined_requests_sent_in_one_write(ServerModel model)
    {
        var server = _servers.Start(model);
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        var requests = Enumerable.Range(0, 100).Select(i => $"pipelined {i}").ToArray();

        await client.SendAsync(string.Concat(requests.Select(r => r + "\n")));

        foreach (var request in requests)
        {
            Assert.Equal(LineReverseSession.Reply(request), await client.ReadLineAsync());
        }
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Answers_the_same_when_bytes_arrive_one_send_at_a_time(ServerModel model)
    {
        var server = _servers.Start(model);
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        var requests = Enumerable.Range(0, 4).Select(i => $"ação € 👍 {i}").ToArray();
        var bytes = Encoding.UTF8.GetBytes(string.Concat(requests.Select(r => r + "\n")));

        // One byte per send, so multi-byte characters and line ends are split across reads.
        for (var i = 0; i < bytes.Length; i++)
        {
            await client.SendAsync(bytes.AsMemory(i, 1));
        }

        foreach (var request in requests)
        {
            Assert.Equal(LineReverseSession.Reply(request), await client.ReadLineAsync());
        }
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Answers_a_line_far_longer_than_any_initial_buffer(ServerModel model)
    {
        var server = _servers.Start(model);
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        var line = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i % 10}ab\u00e7"));

        Assert.Equal(LineReverseSession.Reply(line), await client.RoundTripAsync(line));
        Assert.Equal("retfa", await client.RoundTripAsync("after"));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_client_that_half_closes_gets_the_reply_to_its_unterminated_tail_then_end_of_stream(ServerModel model)
    {
        var server = _servers.Start(model);
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("whole\ntail");
        client.Socket.Shutdown(SocketShutdown.Send);

        Assert.Equal("elohw", await client.ReadLineAsync());
        Assert.Equal("liat", await client.ReadLineAsync());
        var (rest, reset) = await client.ReadUntilClosedAsync();
        Assert.Empty(rest);
        Assert.False(reset, "the server reset the connection instead of closing it");
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Serves_32_clients(ServerModel model)
    {
        const int Clients = 32;
        const int Rounds = 20;
        var server = _servers.Start(model);

        async Task<int> RunClientAsync(int id)
        {
            using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
            for (var round = 0; round < Rounds; round++)
            {
                Assert.Equal(LineReverseSession.Reply($"client {id} round {round}"), await client.RoundTripAsync($"client {id} round {round}"));
            }

            return id;
        }

        int[] served;
        if (EveryModel.IsConcurrent(model))
        {
            served = await Task.WhenAll(Enumerable.Range(0, Clients).Select(RunClientAsync));
        }
        else
        {
            // One connection at a time: a client waits in the backlog until the one before has left.
            served = new int[Clients];
            for (var id = 0; id < Clients; id++)
            {
                served[id] = await RunClientAsync(id);
            }
        }

        Assert.Equal(Enumerable.Range(0, Clients), served);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public Task A_client_closing_mid_message_does_not_affect_another(ServerModel model) =>
        AssertAClientVanishingMidMessageDoesNotAffectAnotherAsync(model, reset: false);

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public Task A_client_resetting_mid_message_does_not_affect_another(ServerModel model) =>
        AssertAClientVanishingMidMessageDoesNotAffectAnotherAsync(model, reset: true);

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Clients_resetting_before_they_are_served_do_not_stop_the_server(ServerModel model)
    {
        var server = _servers.Start(model);
        for (var i = 0; i < 10; i++)
        {
            (await TestClient.ConnectAsync(server.LocalEndPoint)).Abort();
        }

        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal("llits", await client.RoundTripAsync("still"));
        await Eventually.TrueAsync(() => server.ActiveConnections == 1, "the reset connections are released");
        Assert.Empty(_servers.Log.Errors);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_session_that_throws_ends_only_its_own_connection_and_is_logged_as_an_error(ServerModel model)
    {
        var server = _servers.Start(model);
        TestClient? other = null;
        try
        {
            if (EveryModel.IsConcurrent(model))
            {
                other = await TestClient.ConnectAsync(server.LocalEndPoint);
                Assert.Equal("erofeb", await other.RoundTripAsync("before"));
            }

            using (var failing = await TestClient.ConnectAsync(server.LocalEndPoint))
            {
                await failing.SendAsync("THROW\n");
                var (data, _) = await failing.ReadUntilClosedAsync();
                Assert.Empty(data);
            }

            other ??= await TestClient.ConnectAsync(server.LocalEndPoint);
            Assert.Equal("retfa", await other.RoundTripAsync("after"));
            await Eventually.TrueAsync(() => _servers.Log.Errors.Any(), "the failure is logged");
            Assert.Contains("the session failed on purpose", Assert.Single(_servers.Log.Errors));
        }
        finally
        {
            other?.Dispose();
        }
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_session_asking_to_close_ends_the_connection_after_its_reply(ServerModel model)
    {
        var server = _servers.Start(model);
        using var client = await TestClient.ConnectAsync(server.LocalEndPoint);

        await client.SendAsync("QUIT\nnever answered\n");

        Assert.Equal("BYE", await client.ReadLineAsync());
        var (rest, _) = await client.ReadUntilClosedAsync();
        Assert.Empty(rest);
        await Eventually.TrueAsync(() => server.ActiveConnections == 0, "the closed connection is released");
    }

    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task The_connection_past_the_limit_gets_the_rejection_reply_then_end_of_stream(ServerModel model)
    {
        var rejection = "ERR too many connections\n"u8.ToArray();
        var server = _servers.Start(model, maxConnections: 2, rejection);
        var first = await TestClient.ConnectAsync(server.LocalEndPoint);
        try
        {
            using var second = await TestClient.ConnectAsync(server.LocalEndPoint);
            Assert.Equal("tsrif", await first.RoundTripAsync("first"));
            Assert.Equal("dnoces", await second.RoundTripAsync("second"));

            using (var extra = await TestClient.ConnectAsync(server.LocalEndPoint))
            {
                var (data, reset) = await extra.ReadUntilClosedAsync();
                Assert.Equal(rejection, data);
                Assert.False(reset, "the refused client was reset instead of closed after the rejection");
            }

            first.Dispose();
            await Eventually.TrueAsync(() => server.ActiveConnections < 2, "the first client's connection is released");

            using var next = await TestClient.ConnectAsync(server.LocalEndPoint);
            Assert.Equal("txen", await next.RoundTripAsync("next"));
            Assert.Equal("llits", await second.RoundTripAsync("still"));
        }
        finally
        {
            first.Dispose();
        }
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_connection_s_life_is_logged_with_the_same_events_on_every_model(ServerModel model)
    {
        var server = _servers.Start(model);
        using (var client = await TestClient.ConnectAsync(server.LocalEndPoint))
        {
            Assert.Equal("cba", await client.RoundTripAsync("abc"));
        }

        await Eventually.TrueAsync(() => _servers.Log.Entries.Any(e => e.EventId.Id == 2), "the disconnection is logged");
        var events = _servers.Log.Entries.Where(e => e.EventId.Id != 0).Select(e => (e.EventId.Id, e.EventId.Name)).ToList();
        Assert.Equal([(1, "ClientConnected"), (2, "ClientDisconnected")], events);
    }

    public void Dispose() => _servers.Dispose();

    private async Task AssertAClientVanishingMidMessageDoesNotAffectAnotherAsync(ServerModel model, bool reset)
    {
        var server = _servers.Start(model);
        TestClient? other = null;
        try
        {
            if (EveryModel.IsConcurrent(model))
            {
                other = await TestClient.ConnectAsync(server.LocalEndPoint);
                Assert.Equal("erofeb", await other.RoundTripAsync("before"));
            }

            using (var vanishing = await TestClient.ConnectAsync(server.LocalEndPoint))
            {
                Assert.Equal("eno", await vanishing.RoundTripAsync("one"));
                await vanishing.SendAsync("half a mess");
                if (reset)
                {
                    vanishing.Abort();
                }
            }

            // The sequential model serves the other client only once the vanished one is gone.
            other ??= await TestClient.ConnectAsync(server.LocalEndPoint);
            Assert.Equal("retfa", await other.RoundTripAsync("after"));
            await Eventually.TrueAsync(() => server.ActiveConnections == 1, "the vanished client's connection is released");
            Assert.Equal("niaga", await other.RoundTripAsync("again"));
            Assert.Empty(_servers.Log.Errors);
        }
        finally
        {
            other?.Dispose();
        }
    }
}
