using System.Net;
using System.Net.Sockets;
using SocketServer.Selectors;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Selectors;

/// <summary>What both selectors promise, and what only epoll's adds.</summary>
public sealed class SelectorTests : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _sockets = [];
    private readonly SelectorEvent[] _ready = new SelectorEvent[16];

    public SelectorTests()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
    }

    public static TheoryData<string> Kinds => OperatingSystem.IsLinux() ? new("select", "epoll") : new("select");

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _listener.Dispose();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Reports_the_token_of_the_socket_that_became_readable(string kind)
    {
        using var selector = Create(kind);
        var (client, server) = Connect();
        var (_, quiet) = Connect();
        selector.Register(server, SelectorEvents.Read, token: 7);
        selector.Register(quiet, SelectorEvents.Read, token: 9);

        client.Send("x"u8);

        var ready = SelectOne(selector);
        Assert.Equal(7ul, ready.Token);
        Assert.Equal(SelectorEvents.Read, ready.Events & SelectorEvents.Read);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_selector_with_nothing_ready_returns_nothing_at_its_timeout(string kind)
    {
        using var selector = Create(kind);
        var (_, server) = Connect();
        selector.Register(server, SelectorEvents.Read, token: 1);

        Assert.Equal(0, selector.Select(_ready, TimeSpan.Zero));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Modify_changes_what_is_watched_and_the_token(string kind)
    {
        using var selector = Create(kind);
        var (client, server) = Connect();
        selector.Register(server, SelectorEvents.Write, token: 1);
        Assert.Equal(new SelectorEvent(1, SelectorEvents.Write), SelectOne(selector));

        selector.Modify(server, SelectorEvents.Read, token: 2);
        Assert.Equal(0, selector.Select(_ready, TimeSpan.Zero));
        client.Send("x"u8);

        Assert.Equal(new SelectorEvent(2, SelectorEvents.Read), SelectOne(selector));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_socket_readable_and_writable_is_one_event_with_both(string kind)
    {
        using var selector = Create(kind);
        var (client, server) = Connect();
        client.Send("x"u8);
        WaitUntilReceived(server);
        selector.Register(server, SelectorEvents.Read | SelectorEvents.Write, token: 3);

        var ready = SelectOne(selector);

        Assert.Equal(3ul, ready.Token);
        Assert.Equal(SelectorEvents.Read | SelectorEvents.Write, ready.Events & (SelectorEvents.Read | SelectorEvents.Write));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_unregistered_socket_is_not_reported_and_a_closed_one_may_be_unregistered(string kind)
    {
        using var selector = Create(kind);
        var (client, server) = Connect();
        var (witnessClient, witness) = Connect();
        selector.Register(server, SelectorEvents.Read, token: 1);
        selector.Register(witness, SelectorEvents.Read, token: 2);
        selector.Unregister(server);

        client.Send("x"u8);
        WaitUntilReceived(server);
        witnessClient.Send("y"u8);

        Assert.Equal(2ul, SelectOne(selector).Token);
        server.Dispose();
        selector.Unregister(server);
    }

    [Fact]
    public void The_select_selector_refuses_what_only_epoll_can_watch_for()
    {
        using var selector = new SocketSelector();
        var (_, server) = Connect();

        Assert.Throws<NotSupportedException>(() => selector.Register(server, SelectorEvents.Read | SelectorEvents.EdgeTriggered, 1));
        Assert.Throws<NotSupportedException>(() => selector.Register(server, SelectorEvents.Read | SelectorEvents.PeerClosed, 1));
    }

    [Fact]
    public void Edge_triggered_epoll_reports_each_arrival_once_and_the_peer_closing()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "epoll is Linux's");

        using var selector = new EpollSelector();
        var (client, server) = Connect();
        selector.Register(server, SelectorEvents.Read | SelectorEvents.PeerClosed | SelectorEvents.EdgeTriggered, token: 5);

        client.Send("x"u8);
        Assert.Equal(new SelectorEvent(5, SelectorEvents.Read), SelectOne(selector));

        // Unread, but reported already: an edge comes once.
        Assert.Equal(0, selector.Select(_ready, TimeSpan.Zero));

        client.Shutdown(SocketShutdown.Send);
        var closing = SelectOne(selector);
        Assert.Equal(SelectorEvents.PeerClosed, closing.Events & SelectorEvents.PeerClosed);
    }

    private static Selector Create(string kind) => kind == "epoll" ? new EpollSelector() : new SocketSelector();

    private SelectorEvent SelectOne(Selector selector)
    {
        var count = selector.Select(_ready, TestClient.Timeout);
        Assert.Equal(1, count);
        return _ready[0];
    }

    private static void WaitUntilReceived(Socket socket)
    {
        // Poll waits for readability with a timeout; loopback delivers at once.
        Assert.True(socket.Poll(TestClient.Timeout, SelectMode.SelectRead), "the bytes never arrived");
    }

    private (Socket Client, Socket Server) Connect()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(client);
        client.Connect(_listener.LocalEndPoint!);
        var server = _listener.Accept();
        _sockets.Add(server);
        server.Blocking = false;
        return (client, server);
    }
}
