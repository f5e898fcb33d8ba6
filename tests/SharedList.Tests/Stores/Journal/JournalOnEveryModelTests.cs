using System.Net;
using System.Globalization;
using System.Text;
using SharedList.Hosting;
using SharedList.Stores;
using SharedList.Tests.Support;
using SocketServer;

namespace SharedList.Tests.Stores.Journal;

/// <summary>The journal store served by every model, over real sockets: what was acknowledged is back after a restart, in order.</summary>
public sealed class JournalOnEveryModelTests
{
    public static TheoryData<ServerModel, FsyncPolicy> ModelsAndPolicies
    {
        get
        {
            var data = new TheoryData<ServerModel, FsyncPolicy>();
            foreach (var model in EveryModel.Stream.Select(row => (ServerModel)row.Data))
            {
                foreach (var fsync in Enum.GetValues<FsyncPolicy>())
                {
                    data.Add(model, fsync);
                }
            }

            return data;
        }
    }

    [Theory, MemberData(nameof(ModelsAndPolicies))]
    public async Task Acknowledged_appends_are_back_in_order_after_a_restart(ServerModel model, FsyncPolicy fsync)
    {
        const int Clients = 8;
        const int ItemsPerClient = 25;
        using var directory = new JournalDirectory();
        var options = directory.Options(fsync);
        string listed;

        var store = directory.Open(options);
        try
        {
            using var server = Serve(model, store);
            var clients = Enumerable.Range(0, EveryModel.IsConcurrent(model) ? Clients : 1).Select(c => Task.Run(async () =>
            {
                using var client = await LineConnection.ConnectAsync(server.LocalEndPoint);
                client.Socket.ReceiveTimeout = 30_000;

                // Pipelined, so that the appends of many requests and connections share commits.
                var batch = new StringBuilder();
                for (var i = 0; i < ItemsPerClient; i++)
                {
                    batch.Append(CultureInfo.InvariantCulture, $"c{c}-{i:D2}\n");
                }

                client.Send(batch.ToString());
                for (var i = 0; i < ItemsPerClient; i++)
                {
                    Assert.Equal("Ack", client.ReadLine());
                }
            })).ToArray();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60));

            using var reader = await LineConnection.ConnectAsync(server.LocalEndPoint);
            reader.Socket.ReceiveTimeout = 30_000;
            listed = reader.Request("LIST");
            Assert.Equal(clients.Length * ItemsPerClient, ListReply.ParseSimple(listed).Count);
            await server.StopAsync(TimeSpan.Zero).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            store.Dispose();
        }

        using var reopened = directory.Open(options);
        Assert.Equal(listed, reopened.ListNow());
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task A_clear_is_back_after_a_restart(ServerModel model)
    {
        using var directory = new JournalDirectory();
        using (var store = directory.Open())
        {
            using var server = Serve(model, store);
            using var client = await LineConnection.ConnectAsync(server.LocalEndPoint);
            client.Socket.ReceiveTimeout = 30_000;
            Assert.Equal("Ack", client.Request("before"));
            Assert.Equal("Lista apagada", client.Request("CLEAR"));
            Assert.Equal("Ack", client.Request("after"));
            Assert.Equal("['after']", client.Request("LIST"));
        }

        using var reopened = directory.Open();
        Assert.Equal("['after']", reopened.ListNow());
    }

    private static IServer Serve(ServerModel model, IListStore store)
    {
        var settings = new ServerSettings
        {
            Model = model,
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            Options = ServerOptions.Default with { PoolWorkers = 4 },
        };
        var server = ServerFactory.Create(settings, store);
        server.Start();
        return server;
    }
}
