using System.Net.Sockets;
using System.Text;
using SharedList.Protocol;
using SharedList.Tests.Support;
using SocketServer;

namespace SharedList.Tests.Models;

/// <summary>The shared-list service over real sockets, each behaviour written once and run on every model.</summary>
public sealed class ServiceOnEveryModelTests
{
    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_persistent_connection_serves_many_rounds(ServerModel model)
    {
        await using var server = new ModelServer(model);
        using var client = await LineConnection.ConnectAsync(server.EndPoint);

        var expected = new List<string>();
        for (var round = 0; round < 200; round++)
        {
            var item = $"item-{round}";
            Assert.Equal("Ack", client.Request(item));
            expected.Add(item);
            if (round % 50 == 49)
            {
                Assert.Equal(expected, ListReply.ParseSimple(client.Request("LIST")));
            }
        }

        Assert.Equal("Lista apagada", client.Request("CLEAR"));
        Assert.Equal("[]", client.Request("LIST"));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Concurrent_pipelining_clients_lose_and_duplicate_nothing(ServerModel model)
    {
        const int clients = 32;
        const int itemsPerClient = 100;
        await using var server = new ModelServer(model);

        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            using var connection = await LineConnection.ConnectAsync(server.EndPoint);

            // Pipelined: every request in a few large sends, replies read afterwards.
            var batch = new StringBuilder();
            for (var i = 0; i < itemsPerClient; i++)
            {
                batch.Append($"c{c:D2}-i{i:D3}\n");
                if (i % 25 == 24)
                {
                    connection.Send(batch.ToString());
                    batch.Clear();
                }
            }

            for (var i = 0; i < itemsPerClient; i++)
            {
                Assert.Equal("Ack", connection.ReadLine());
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        using var reader = await LineConnection.ConnectAsync(server.EndPoint);
        var items = ListReply.ParseSimple(reader.Request("LIST"));
        Assert.Equal(clients * itemsPerClient, items.Count);
        Assert.Equal(items.Count, items.Distinct().Count());
        foreach (var group in items.GroupBy(item => item[..3]))
        {
            Assert.Equal(Enumerable.Range(0, itemsPerClient).Select(i => $"{group.Key}-i{i:D3}"), group);
        }
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task An_acknowledged_item_is_in_a_later_LIST_from_another_client(ServerModel model)
    {
        await using var server = new ModelServer(model);
        for (var round = 0; round < 20; round++)
        {
            var writer = await LineConnection.ConnectAsync(server.EndPoint);
            Assert.Equal("Ack", writer.Request($"seen-{round}"));
            if (model == ServerModel.Sequential)
            {
                // One client at a time: the reader is served only after the writer leaves.
                writer.Dispose();
            }

            using var reader = await LineConnection.ConnectAsync(server.EndPoint);
            Assert.Contains($"seen-{round}", ListReply.ParseSimple(reader.Request("LIST")));
            writer.Dispose();
        }
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Clients_that_vanish_mid_message_do_not_affect_others(ServerModel model)
    {
        await using var server = new ModelServer(model);
        using var steady = model == ServerModel.Sequential ? null : await LineConnection.ConnectAsync(server.EndPoint);

        for (var i = 0; i < 10; i++)
        {
            using (var vanishing = await LineConnection.ConnectAsync(server.EndPoint))
            {
                vanishing.Send($"partial-{i}");
                if (i % 2 == 0)
                {
                    vanishing.Socket.Shutdown(SocketShutdown.Send);
                }
                else
                {
                    vanishing.Socket.LingerState = new LingerOption(true, 0);
                }
            }

            var client = steady ?? await LineConnection.ConnectAsync(server.EndPoint);
            try
            {
                Assert.Equal("Ack", client.Request($"steady-{i}"));
            }
            finally
            {
                if (steady is null)
                {
                    client.Dispose();
                }
            }
        }

        using var reader = await LineConnection.ConnectAsync(server.EndPoint);
        var items = ListReply.ParseSimple(reader.Request("LIST"));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"steady-{i}"), items);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Bad_input_gets_an_error_and_stores_nothing(ServerModel model)
    {
        await using var server = new ModelServer(model, maxMessageBytes: 1024);
        using (var client = await LineConnection.ConnectAsync(server.EndPoint))
        {
            client.Send([0x66, 0xff, 0xfe, (byte)'\n']);
            Assert.Equal("ERR invalid UTF-8", client.ReadLine());
            Assert.Equal("Ack", client.Request("after"));
            client.Send(new string('x', 5000) + "\n");
            Assert.Equal("ERR message too long", client.ReadLine());
            Assert.True(client.IsClosedByServer());
        }

        using var reader = await LineConnection.ConnectAsync(server.EndPoint);
        Assert.Equal("['after']", reader.Request("LIST"));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Raw_framing_serves_the_course_client_one_reply_per_send(ServerModel model)
    {
        await using var server = new ModelServer(model, Framing.Raw);
        using var client = await LineConnection.ConnectAsync(server.EndPoint);
        var buffer = new byte[1024];
        foreach (var (message, reply) in new[] { ("first", "Ack"), ("LIST", "['first']"), ("CLEAR", "Lista apagada"), ("LIST", "[]") })
        {
            client.Send(message);
            var received = client.Socket.Receive(buffer);
            Assert.Equal(reply, Encoding.UTF8.GetString(buffer, 0, received));
        }
    }

    [Theory, MemberData(nameof(EveryModel.Datagram), MemberType = typeof(EveryModel))]
    public async Task UDP_answers_each_datagram_with_one_datagram(ServerModel model)
    {
        await using var server = new ModelServer(model, udp: true);
        var clients = Enumerable.Range(0, 4).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)).ToArray();
        try
        {
            var buffer = new byte[8192];
            foreach (var (client, index) in clients.Select((c, i) => (c, i)))
            {
                client.ReceiveTimeout = 30_000;
                client.Connect(server.EndPoint);
                client.Send(Encoding.UTF8.GetBytes($"udp-{index}"));
                Assert.Equal("Ack", Encoding.UTF8.GetString(buffer, 0, client.Receive(buffer)));
            }

            clients[0].Send("LIST"u8);
            Assert.Equal("['udp-0', 'udp-1', 'udp-2', 'udp-3']", Encoding.UTF8.GetString(buffer, 0, clients[0].Receive(buffer)));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    // Sequential serves one connection at a time and leaves the rest in the listen backlog, so only one is
    // ever open: a connection limit cannot be exceeded there.
    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task The_connection_past_the_limit_is_refused_and_the_slot_freed(ServerModel model)
    {
        await using var server = new ModelServer(model, maxConnections: 1);
        var first = await LineConnection.ConnectAsync(server.EndPoint);
        Assert.Equal("Ack", first.Request("one"));

        using (var refused = await LineConnection.ConnectAsync(server.EndPoint))
        {
            Assert.Equal("ERR too many connections", refused.ReadLine());
            Assert.True(refused.IsClosedByServer());
        }

        first.Dispose();
        await Eventually.TrueAsync(() => server.Server.ActiveConnections == 0, TimeSpan.FromSeconds(30), "the slot to be freed");
        using var next = await LineConnection.ConnectAsync(server.EndPoint);
        Assert.Equal("['one']", next.Request("LIST"));
    }
}
