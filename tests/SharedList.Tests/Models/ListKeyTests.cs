using System.Net;
using SharedList.Hosting;
using SharedList.Stores;
using SocketServer;

namespace SharedList.Tests.Models;

/// <summary>The line protocol serves the one list <c>--list-key</c> names, and no other.</summary>
public sealed class ListKeyTests
{
    [Fact]
    public async Task Two_servers_on_one_store_with_different_keys_serve_different_lists()
    {
        using var store = new MemoryListStore();
        using var first = Serve(store, "first");
        using var second = Serve(store, "second");
        using var a = await LineConnection.ConnectAsync(first.LocalEndPoint);
        using var b = await LineConnection.ConnectAsync(second.LocalEndPoint);

        Assert.Equal("Ack", a.Request("one"));
        Assert.Equal("Ack", b.Request("two"));

        Assert.Equal("['one']", a.Request("LIST"));
        Assert.Equal("['two']", b.Request("LIST"));
        Assert.Equal(1, store.GetList("first").Count);
        Assert.Equal(0, store.GetList(SharedList.Service.SharedListOptions.DefaultListKey).Count);
    }

    private static IServer Serve(IListStore store, string key)
    {
        var server = ServerFactory.Create(new ServerSettings { Model = ServerModel.Async, EndPoint = new IPEndPoint(IPAddress.Loopback, 0), ListKey = key }, store);
        server.Start();
        return server;
    }
}
