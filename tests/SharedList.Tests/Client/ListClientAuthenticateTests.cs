using System.Security.Authentication;
using SharedList.Client;
using SharedList.Protocol;
using SharedList.Tests.Models;
using SocketServer;

namespace SharedList.Tests.Client;

/// <summary><see cref="ListClient.Authenticate"/> against a real server: what <c>connect</c> and the load tool rely on.</summary>
public sealed class ListClientAuthenticateTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(Framing.Line)]
    [InlineData(Framing.Raw)]
    public async Task The_right_password_unlocks_the_connection(Framing framing)
    {
        await using var server = new ModelServer(ServerModel.Async, framing, password: "two words");
        using var client = await ListClient.ConnectAsync(server.EndPoint, framing, udp: false, Timeout);

        client.Authenticate("two words");

        Assert.Equal("Ack", client.Request("item"));
        Assert.Equal("['item']", client.Request("LIST"));
    }

    [Fact]
    public async Task A_wrong_password_throws_with_the_servers_reply()
    {
        await using var server = new ModelServer(ServerModel.Async, password: "s3cret");
        using var client = await ListClient.ConnectAsync(server.EndPoint, Framing.Line, udp: false, Timeout);

        var error = Assert.Throws<AuthenticationException>(() => client.Authenticate("nope"));

        Assert.Equal("ERR invalid password", error.Message);
    }

    [Fact]
    public async Task A_server_without_a_password_makes_it_throw()
    {
        await using var server = new ModelServer(ServerModel.Async);
        using var client = await ListClient.ConnectAsync(server.EndPoint, Framing.Line, udp: false, Timeout);

        var error = Assert.Throws<AuthenticationException>(() => client.Authenticate("s3cret"));

        Assert.Equal("ERR no password is set", error.Message);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\r")]
    public async Task A_line_break_is_refused_before_anything_is_sent(string password)
    {
        await using var server = new ModelServer(ServerModel.Async, password: "s3cret");
        using var client = await ListClient.ConnectAsync(server.EndPoint, Framing.Line, udp: false, Timeout);

        Assert.Throws<ArgumentException>(() => client.Authenticate(password));

        // Had any of it been sent, its reply would be read as this AUTH's reply and make it throw.
        client.Authenticate("s3cret");
    }
}
