using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

/// <summary>What only models serving several connections at once can show: the connection limit.</summary>
public abstract class ConcurrentModelTests : StreamModelTests
{
    [Fact]
    public async Task The_connection_past_the_limit_gets_the_rejection_reply_then_end_of_stream()
    {
        var rejection = "ERR too many connections\n"u8.ToArray();
        var server = StartServer(maxConnections: 2, rejection);
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
}
