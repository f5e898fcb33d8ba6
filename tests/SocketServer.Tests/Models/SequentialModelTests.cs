using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

/// <summary>What only the sequential model does: one connection at a time, the rest wait in the backlog.</summary>
public sealed class SequentialModelTests
{
    [Fact]
    public async Task A_second_client_waits_in_the_backlog_until_the_first_leaves()
    {
        using var servers = new TestServers();
        var server = servers.Start(ServerModel.Sequential);
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
