using SharedList.Protocol;
using SocketServer;

namespace SharedList.Tests.Models;

/// <summary>Disposing a server is idempotent on every model, with or without a stop and a client first.</summary>
public sealed class DisposeTwiceTests
{
    public static TheoryData<ServerModel, bool> ModelsAndTransports => new()
    {
        { ServerModel.Sequential, false },
        { ServerModel.Threading, false },
        { ServerModel.Pool, false },
        { ServerModel.Select, false },
        { ServerModel.Async, false },
        { ServerModel.Epoll, false },
        { ServerModel.Sequential, true },
        { ServerModel.Threading, true },
    };

    [Theory]
    [MemberData(nameof(ModelsAndTransports))]
    public async Task Stopping_then_disposing_twice_is_harmless(ServerModel model, bool udp)
    {
        var server = new ModelServer(model, Framing.Line, udp);
        if (!udp)
        {
            using var client = await LineConnection.ConnectAsync(server.EndPoint);
            Assert.Equal("Ack", client.Request("x"));
        }

        await server.DisposeAsync();
        await server.DisposeAsync();
        server.Server.Dispose();
    }
}
