using SharedList.Client;
using SharedList.Hosting;
using SharedList.Protocol;
using SharedList.Stores;
using SharedList.Tests.Support;
using SocketServer;
using SocketServer.Tls;

namespace SharedList.Tests.Models;

/// <summary>The shared-list service on a Unix-domain socket, on every stream model.</summary>
public sealed class UnixSocketOnEveryModelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task The_service_shares_one_list_between_clients_of_a_unix_socket(ServerModel model)
    {
        using var directory = new UnixSocketDirectory();
        var store = new MemoryListStore();
        using var server = ServerFactory.Create(new ServerSettings { Model = model, EndPoint = directory.EndPoint() }, store);
        server.Start();

        using (var writer = await LineConnection.ConnectAsync(server.LocalEndPoint))
        {
            Assert.Equal("Ack", writer.Request("from a"));
            Assert.Equal("Ack", writer.Request("it's"));
        }

        using (var client = await ListClient.ConnectAsync(server.LocalEndPoint, Framing.Line, udp: false, Timeout))
        {
            Assert.Equal("Ack", client.Request("from b"));
            Assert.Equal("['from a', \"it's\", 'from b']", client.Request("LIST"));
            Assert.Equal("Lista apagada", client.Request("CLEAR"));
        }

        Assert.Equal("[]", store.Snapshot().ToString());
        await server.StopAsync(TimeSpan.Zero).WaitAsync(Timeout);
    }

    [Theory, MemberData(nameof(EveryModel.Concurrent), MemberType = typeof(EveryModel))]
    public async Task Concurrent_clients_of_a_unix_socket_lose_and_duplicate_nothing(ServerModel model)
    {
        const int Clients = 8;
        const int ItemsPerClient = 50;
        using var directory = new UnixSocketDirectory();
        var store = new MemoryListStore();
        using var server = ServerFactory.Create(new ServerSettings { Model = model, EndPoint = directory.EndPoint() }, store);
        server.Start();

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            using var connection = await LineConnection.ConnectAsync(server.LocalEndPoint);
            for (var i = 0; i < ItemsPerClient; i++)
            {
                Assert.Equal("Ack", connection.Request($"c{c}-{i}"));
            }
        }))).WaitAsync(Timeout);

        using var reader = await LineConnection.ConnectAsync(server.LocalEndPoint);
        var items = ListReply.ParseSimple(reader.Request("LIST"));
        Assert.Equal(Clients * ItemsPerClient, items.Distinct().Count());
        Assert.Equal(Clients * ItemsPerClient, items.Count);
    }

    [Fact]
    public void TLS_and_UDP_over_a_unix_socket_are_refused_clearly()
    {
        using var directory = new UnixSocketDirectory();
        using var certificate = new TestCertificate();
        var tls = new ServerSettings { EndPoint = directory.EndPoint(), Options = new ServerOptions { Tls = new ServerTlsOptions(certificate.Certificate) } };

        var refused = Assert.Throws<ArgumentException>(() => ServerFactory.Create(tls, new MemoryListStore()));
        Assert.Contains("TLS is served over TCP only", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(directory.PathOf("server.sock")));
        Assert.Throws<ArgumentException>(() => ListClient.ConnectAsync(directory.EndPoint(), Framing.Line, udp: true, Timeout).GetAwaiter().GetResult());
    }
}
