using System.Buffers;
using System.Text;
using SharedList.Stores;
using SharedList.Tests.Support;
using SocketServer.Connections;
using SocketServer.Sessions;
using static SharedList.Tests.Resp.RespSessions;

namespace SharedList.Tests.Resp;

/// <summary>The output budget and the commit step: the same rules as the line protocol's, no socket.</summary>
public sealed class RespSessionCommitTests
{
    [Fact]
    public void A_big_lrange_is_written_a_budget_at_a_time_and_nothing_is_lost()
    {
        const int Budget = 1024;
        var store = new MemoryListStore();
        var items = Enumerable.Range(0, 5000).Select(i => $"item-{i}").ToArray();
        store.GetList("k").Push(ListEnd.Tail, [.. items.Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(i))]);
        var session = Create(store, outputBudgetBytes: Budget);

        var input = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(Command("LRANGE", "k", "0", "-1") + Command("PING")));
        var reply = new List<byte>();
        var calls = 0;
        SessionStatus status;
        do
        {
            var output = new ArrayBufferWriter<byte>();
            status = session.Process(ref input, false, output);
            Assert.True(output.WrittenCount < Budget + 64, $"a call wrote {output.WrittenCount} bytes, over the budget");
            reply.AddRange(output.WrittenSpan);
            calls++;
            Assert.True(calls < 10_000);
        }
        while (status == SessionStatus.OutputPending);

        Assert.Equal(SessionStatus.Continue, status);
        Assert.True(calls > 50, $"written in {calls} calls");
        Assert.Equal(Array(items) + "+PONG\r\n", Encoding.UTF8.GetString([.. reply]));
    }

    [Fact]
    public void A_big_lrange_through_the_driver_arrives_whole()
    {
        var store = new MemoryListStore();
        var items = Enumerable.Range(0, 3000).Select(i => $"é-{i}").ToArray();
        store.GetList("k").Push(ListEnd.Tail, [.. items.Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(i))]);
        var session = Create(store, outputBudgetBytes: 512);

        var result = DrivenSession.Feed(session, [Encoding.UTF8.GetBytes(Command("LRANGE", "k", "0", "-1") + Command("LLEN", "k"))]);

        Assert.Equal(Array(items) + ":3000\r\n", result.Text);
    }

    [Fact]
    public void Replies_wait_for_their_commit_in_order_with_the_replies_behind_them()
    {
        using var store = new GatedStore();
        var session = Create(store);
        var driver = new ConnectionDriver(session);

        Receive(driver, Command("RPUSH", "k", "a", "b") + Command("PING") + Command("NOPE") + Command("LRANGE", "k", "0", "-1") + Command("DEL", "k", "other"));

        Assert.True(driver.AwaitingCommit);
        Assert.False(driver.HasUnsent);
        store.Open();
        driver.WaitForCommit();

        Assert.Equal(
            ":2\r\n+PONG\r\n-ERR unknown command 'NOPE', with args beginning with: \r\n" + Array("a", "b") + ":1\r\n",
            TakeReplies(driver));
    }

    [Fact]
    public void A_failed_commit_is_an_error_per_request_and_the_connection_goes_on()
    {
        using var store = new GatedStore();
        store.FailWith("disk full");
        store.Open();
        var session = Create(store);
        var driver = new ConnectionDriver(session);

        Receive(driver, Command("RPUSH", "k", "a") + Command("LLEN", "k") + Command("PING"));
        driver.WaitForCommit();

        Assert.Equal("-ERR store unavailable: disk full\r\n-ERR store unavailable: disk full\r\n+PONG\r\n", TakeReplies(driver));
    }

    [Fact]
    public void A_WRONGTYPE_from_a_Redis_store_passes_through()
    {
        using var store = new GatedStore();
        store.FailWith("WRONGTYPE Operation against a key holding the wrong kind of value");
        store.Open();
        var driver = new ConnectionDriver(Create(store));

        Receive(driver, Command("LLEN", "k"));
        driver.WaitForCommit();

        Assert.Equal("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", TakeReplies(driver));
    }

    [Fact]
    public void Quit_after_held_replies_sends_them_then_closes()
    {
        using var store = new GatedStore();
        var driver = new ConnectionDriver(Create(store));

        Receive(driver, Command("RPUSH", "k", "a") + Command("QUIT") + Command("RPUSH", "k", "b"));
        store.Open();
        driver.WaitForCommit();

        Assert.Equal(":1\r\n+OK\r\n", TakeReplies(driver));
        Assert.True(driver.IsComplete);
        Assert.Equal(1, store.Memory("k").Count);
    }

    private static void Receive(ConnectionDriver driver, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var room = driver.GetReceiveBuffer();
        Assert.True(room.Length >= bytes.Length);
        bytes.CopyTo(room.Span);
        driver.Received(bytes.Length);
    }

    private static string TakeReplies(ConnectionDriver driver)
    {
        var output = new List<byte>();
        for (var sends = 0; driver.HasUnsent; sends++)
        {
            Assert.True(sends < 100_000);
            var unsent = driver.Unsent;
            output.AddRange(unsent.Span);
            driver.Sent(unsent.Length);
        }

        return Encoding.UTF8.GetString([.. output]);
    }
}
