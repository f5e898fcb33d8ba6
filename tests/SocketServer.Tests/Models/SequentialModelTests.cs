using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

public sealed class SequentialModelTests : StreamModelTests
{
    protected override ServerModel Model => ServerModel.Sequential;

    [Fact]
    public async Task A_second_client_waits_in_the_backlog_until_the_first_leaves()
    {
        var server = StartServer();
        var first = await TestClient.ConnectAsync(server.LocalEndPoint);
        try
        {
            Assert.Equal("tsrif", await first.RoundTripAsync("first"));
            using var second = await TestClient.ConnectAsync(server.LocalEndPoint);
            await second.SendAsync("second\n");

            // The loop is inside the first client's handler, so it has not accepted the second.
            Assert.Equal("niaga", await first.RoundTripAsync("again"));
            Assert.Equal(1, server.ActiveConnections);

            first.Dispose();
            Assert.Equal("dnoces", await second.ReadLineAsync());
        }
        finally
        {
            first.Dispose();
        }
    }
}
