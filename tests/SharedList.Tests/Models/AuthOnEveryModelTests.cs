using System.Net;
using SharedList.Hosting;
using SocketServer;

namespace SharedList.Tests.Models;

/// <summary>Access control over real sockets, each behaviour written once and run on every stream model.</summary>
public sealed class AuthOnEveryModelTests
{
    private const string Secret = "s3cret";

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task An_unauthenticated_client_is_refused_and_stores_nothing(ServerModel model)
    {
        await using var server = new ModelServer(model, password: Secret);
        using (var client = await LineConnection.ConnectAsync(server.EndPoint))
        {
            Assert.Equal("ERR authentication required", client.Request("item"));
            Assert.Equal("ERR authentication required", client.Request("LIST"));
            Assert.Equal("ERR authentication required", client.Request("CLEAR"));
        }

        Assert.Equal(0, server.List.Count);
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task An_authenticated_client_is_served(ServerModel model)
    {
        await using var server = new ModelServer(model, password: Secret);
        using var client = await LineConnection.ConnectAsync(server.EndPoint);

        Assert.Equal("OK", client.Request("AUTH s3cret"));
        Assert.Equal("Ack", client.Request("item"));
        Assert.Equal("['item']", client.Request("LIST"));
    }

    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Three_wrong_passwords_close_the_connection_and_others_can_still_authenticate(ServerModel model)
    {
        await using var server = new ModelServer(model, password: Secret);
        using (var guesser = await LineConnection.ConnectAsync(server.EndPoint))
        {
            Assert.Equal("ERR invalid password", guesser.Request("AUTH a"));
            Assert.Equal("ERR invalid password", guesser.Request("AUTH b"));

            // Pipelined after the third: never served.
            guesser.Send("AUTH c\nAUTH s3cret\nitem\n");
            Assert.Equal("ERR invalid password", guesser.ReadLine());
            Assert.True(guesser.IsClosedByServer());
        }

        using var client = await LineConnection.ConnectAsync(server.EndPoint);
        Assert.Equal("OK", client.Request("AUTH s3cret"));
        Assert.Equal("[]", client.Request("LIST"));
    }

    [Fact]
    public void A_password_with_UDP_is_refused_when_the_server_is_built()
    {
        var settings = new ServerSettings
        {
            Model = ServerModel.Threading,
            Udp = true,
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            Password = new SharedList.Service.Password(Secret),
        };

        var error = Assert.Throws<ArgumentException>(() => ServerFactory.Create(settings, new SharedList.Stores.MemoryListStore()));
        Assert.Contains("UDP", error.Message, StringComparison.Ordinal);
    }
}
