using System.Net;
using System.Net.Sockets;
using SharedList.Hosting;
using SharedList.Tests.Support;
using SocketServer;

namespace SharedList.Tests.Models;

/// <summary>The commit step: no reply that depends on a commit leaves the server before that commit, on every model.</summary>
public sealed class CommitStepOnEveryModelTests
{
    // Long enough for a reply sent too early to arrive over loopback; the assertion is that none does.
    private static readonly TimeSpan NoReplyWindow = TimeSpan.FromMilliseconds(200);

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task An_Ack_waits_for_its_commit(ServerModel model)
    {
        using var store = new GatedStore();
        using var server = Serve(model, store);
        using var client = await LineConnection.ConnectAsync(server.LocalEndPoint);
        client.Socket.ReceiveTimeout = 10_000;

        client.Send("a\nb\n");
        await Eventually.TrueAsync(() => store.Issued == 2 && store.Waiting == 1, "both appends applied and their commit waiting");
        Assert.False(client.Socket.Poll(NoReplyWindow, SelectMode.SelectRead), "a reply left before its commit");

        store.Open();
        Assert.Equal("Ack", client.ReadLine());
        Assert.Equal("Ack", client.ReadLine());
        Assert.Equal("['a', 'b']", client.Request("LIST"));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_failed_commit_is_an_error_reply_per_request_and_the_connection_goes_on(ServerModel model)
    {
        using var store = new GatedStore();
        using var server = Serve(model, store);
        using var client = await LineConnection.ConnectAsync(server.LocalEndPoint);
        client.Socket.ReceiveTimeout = 10_000;
        store.FailWith("disk full");
        store.Open();

        client.Send("a\nLIST\n");
        Assert.Equal("ERR store unavailable: disk full", client.ReadLine());
        Assert.Equal("ERR store unavailable: disk full", client.ReadLine());

        store.FailWith(null);
        Assert.Equal("Ack", client.Request("b"));
    }

    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task Many_connections_share_one_commit(ServerModel model)
    {
        const int Clients = 20;
        using var store = new GatedStore();
        using var server = Serve(model, store, workers: Clients);
        var clients = new List<LineConnection>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                clients.Add(await LineConnection.ConnectAsync(server.LocalEndPoint));
            }

            for (var i = 0; i < Clients; i++)
            {
                clients[i].Send($"item-{i}\n");
            }

            // An event loop waits in the commit of its first round, with the rest read in the next; every other model
            // applies every append while one commit waits.
            var applied = model is ServerModel.Select or ServerModel.Epoll ? 1 : Clients;
            await Eventually.TrueAsync(() => store.Issued >= applied && store.Waiting == 1, "the appends applied, one commit waiting");
            store.Open();
            foreach (var client in clients)
            {
                client.Socket.ReceiveTimeout = 10_000;
                Assert.Equal("Ack", client.ReadLine());
            }

            // The commit under way when the gate opened, and one (an event loop's next round) for the rest.
            Assert.InRange(store.Commits, 1, 3);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Theory]
    [InlineData(ServerModel.Sequential)]
    [InlineData(ServerModel.Threading)]
    public async Task A_datagram_reply_waits_for_its_commit(ServerModel model)
    {
        using var store = new GatedStore();
        using var server = Serve(model, store, udp: true);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect(server.LocalEndPoint);

        client.Send("a"u8);
        await Eventually.TrueAsync(() => store.Issued == 1 && store.Waiting == 1, "the append applied and its commit waiting");
        Assert.False(client.Poll(NoReplyWindow, SelectMode.SelectRead), "a reply left before its commit");

        store.Open();
        var reply = new byte[16];
        client.ReceiveTimeout = 10_000;
        Assert.Equal("Ack", System.Text.Encoding.UTF8.GetString(reply, 0, client.Receive(reply)));
    }

    private static IServer Serve(ServerModel model, GatedStore store, bool udp = false, int workers = 4)
    {
        var settings = new ServerSettings
        {
            Model = model,
            Udp = udp,
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            Options = ServerOptions.Default with { PoolWorkers = workers },
        };
        var server = ServerFactory.Create(settings, store);
        server.Start();
        return server;
    }
}
