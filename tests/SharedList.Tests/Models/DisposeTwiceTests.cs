using SharedList.Protocol;
using SocketServer;

namespace SharedList.Tests.Models;

/// <summary>Disposing a server is idempotent on every model, with or without a stop and a client first.</summary>
public sealed class DisposeTwiceTests
{
    [Theory, MemberData(nameof(EveryModel.Stream), MemberType = typeof(EveryModel))]
    public async Task Stopping_then_disposing_twice_is_harmless(ServerModel model)
    {
        var server = new ModelServer(model, Framing.Line);
        using var client = await LineConnection.ConnectAsync(server.EndPoint);
        Assert.Equal("Ack", client.Request("x"));

        await DisposeTwiceAsync(server);
    }

    [Theory, MemberData(nameof(EveryModel.Datagram), MemberType = typeof(EveryModel))]
    public async Task Stopping_then_disposing_a_UDP_server_twice_is_harmless(ServerModel model) =>
        await DisposeTwiceAsync(new ModelServer(model, Framing.Line, udp: true));

    private static async Task DisposeTwiceAsync(ModelServer server)
    {
        await server.DisposeAsync();
        await server.DisposeAsync();
        server.Server.Dispose();
    }
}
