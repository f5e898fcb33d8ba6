using System.Text;
using SharedList.Stores;
using SocketServer.Sessions;
using static SharedList.Tests.Resp.RespSessions;

namespace SharedList.Tests.Resp;

/// <summary>Errors worded as Redis words them, the service's own, protocol errors that close, and AUTH.</summary>
public sealed class RespSessionErrorTests
{
    [Fact]
    public void Unknown_commands_and_wrong_arities_are_worded_as_Redis_words_them()
    {
        var session = Create(new MemoryListStore());

        Assert.Equal("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n", Call(session, "FOO", "a", "b"));
        Assert.Equal("-ERR unknown command 'set', with args beginning with: 'k' 'v' \r\n", Call(session, "set", "k", "v"));
        Assert.Equal("-ERR wrong number of arguments for 'lpush' command\r\n", Call(session, "LPUSH", "k"));
        Assert.Equal("-ERR wrong number of arguments for 'lrange' command\r\n", Call(session, "LRANGE", "k", "0"));
        Assert.Equal("-ERR wrong number of arguments for 'lpop' command\r\n", Call(session, "LPOP", "k", "1", "2"));
        Assert.Equal("-ERR wrong number of arguments for 'ping' command\r\n", Call(session, "PING", "a", "b"));
    }

    [Fact]
    public void An_unknown_commands_arguments_are_quoted_up_to_128_characters_on_one_line()
    {
        var session = Create(new MemoryListStore());
        var reply = Call(session, "FOO", new string('x', 100), new string('y', 100), "z", "line\nbreak");

        Assert.Equal($"-ERR unknown command 'FOO', with args beginning with: '{new string('x', 100)}' '{new string('y', 25)}' \r\n", reply);
        Assert.Equal("-ERR unknown command 'FOO', with args beginning with: 'a  b' \r\n", Call(session, "FOO", "a\r\nb"));
    }

    [Fact]
    public void Integer_arguments_are_parsed_as_Redis_parses_them()
    {
        var session = Create(new MemoryListStore());
        Call(session, "RPUSH", "k", "a");

        foreach (var bad in new[] { "x", "1.5", "+1", " 1", "01", "-0", "99999999999999999999", "" })
        {
            Assert.Equal("-ERR value is not an integer or out of range\r\n", Call(session, "LRANGE", "k", bad, "1"));
        }

        Assert.Equal("-ERR value is not an integer or out of range\r\n", Call(session, "LINDEX", "k", "one"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", Call(session, "LPOP", "k", "-1"));
        Assert.Equal("-ERR value is out of range, must be positive\r\n", Call(session, "RPOP", "k", "two"));
        Assert.Equal("-ERR invalid cursor\r\n", Call(session, "SCAN", "x"));
        Assert.Equal("-ERR syntax error\r\n", Call(session, "SCAN", "0", "COUNT", "0"));
        Assert.Equal("-ERR syntax error\r\n", Call(session, "SCAN", "0", "MATCH"));
    }

    [Fact]
    public void Keys_and_values_that_are_not_UTF8_are_refused_and_nothing_is_stored()
    {
        var store = new MemoryListStore();
        var session = Create(store);
        var invalid = Encoding.UTF8.GetBytes("*3\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n$2\r\n").Concat(new byte[] { 0xC3, 0x28 }).Concat("\r\n"u8.ToArray()).ToArray();
        var invalidKey = Encoding.UTF8.GetBytes("*2\r\n$4\r\nLLEN\r\n$1\r\n").Concat(new byte[] { 0xFF }).Concat("\r\n"u8.ToArray()).ToArray();

        Assert.Equal("-ERR the shared list holds text: the value is not valid UTF-8\r\n", Send(session, invalid));
        Assert.Equal("-ERR the shared list holds text: the value is not valid UTF-8\r\n", Send(session, invalidKey));
        Assert.Equal(":0\r\n", Call(session, "DBSIZE"));
    }

    [Fact]
    public void A_full_list_is_an_error_naming_its_maximum()
    {
        var session = Create(new MemoryListStore(maxItems: 2));

        Assert.Equal(":2\r\n", Call(session, "RPUSH", "k", "a", "b"));
        Assert.Equal("-ERR list full: k holds its maximum of 2 items\r\n", Call(session, "RPUSH", "k", "c"));
        Assert.Equal(":2\r\n", Call(session, "LLEN", "k"));
    }

    [Theory]
    [InlineData("*1\r\n$4\r\nPING\r\n*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*1\r\n$4\r\nPING\r\n*1\r\n+PING\r\n", "-ERR Protocol error: expected '$', got '+'\r\n")]
    [InlineData("*1\r\n$4\r\nPING\r\nPING \"open\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n")]
    public void A_protocol_error_is_replied_after_what_came_before_and_closes(string input, string error)
    {
        var session = Create(new MemoryListStore());

        var (reply, status) = SendAny(session, Encoding.UTF8.GetBytes(input + "*1\r\n$4\r\nPING\r\n"));

        Assert.Equal("+PONG\r\n" + error, reply);
        Assert.Equal(SessionStatus.Close, status);
    }

    [Fact]
    public void A_bulk_string_over_the_limit_is_a_protocol_error()
    {
        var session = Create(new MemoryListStore(), maxBulkBytes: 10);

        var (reply, status) = SendAny(session, Encoding.UTF8.GetBytes("*3\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n$11\r\n"));

        Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", reply);
        Assert.Equal(SessionStatus.Close, status);
    }

    [Fact]
    public void A_multibulk_count_over_the_limit_is_a_protocol_error()
    {
        var session = Create(new MemoryListStore());

        var (reply, status) = SendAny(session, Encoding.UTF8.GetBytes("*1048577\r\n"));

        Assert.Equal("-ERR Protocol error: invalid multibulk length\r\n", reply);
        Assert.Equal(SessionStatus.Close, status);
    }

    [Fact]
    public void Without_a_password_auth_says_none_is_configured()
    {
        var session = Create(new MemoryListStore());

        Assert.Equal("-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n", Call(session, "AUTH", "x"));
        Assert.Equal("+OK\r\n", Call(session, "AUTH", "default", "anything"));
    }

    [Fact]
    public void With_a_password_only_auth_hello_and_quit_are_served_until_it_is_sent()
    {
        var session = Create(new MemoryListStore(), password: "s3cret");

        Assert.Equal("-NOAUTH Authentication required.\r\n", Call(session, "PING"));
        Assert.Equal("-NOAUTH Authentication required.\r\n", Call(session, "RPUSH", "k", "a"));
        Assert.StartsWith("-NOAUTH HELLO must be called with the client already authenticated", Call(session, "HELLO", "2"), StringComparison.Ordinal);
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.\r\n", Call(session, "AUTH", "wrong"));
        Assert.Equal("+OK\r\n", Call(session, "AUTH", "s3cret"));
        Assert.Equal("+PONG\r\n", Call(session, "PING"));

        var other = Create(new MemoryListStore(), password: "s3cret");
        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.\r\n", Call(other, "AUTH", "alice", "s3cret"));
        Assert.Equal("+OK\r\n", Call(other, "AUTH", "default", "s3cret"));

        var hello = Create(new MemoryListStore(), password: "s3cret");
        Assert.StartsWith("*14\r\n", Call(hello, "HELLO", "2", "AUTH", "default", "s3cret"), StringComparison.Ordinal);
        Assert.Equal("+PONG\r\n", Call(hello, "PING"));
    }

    [Fact]
    public void A_third_wrong_password_closes_the_connection()
    {
        var session = Create(new MemoryListStore(), password: "s3cret");
        Call(session, "AUTH", "a");
        Call(session, "AUTH", "b");

        var (reply, status) = SendAny(session, Encoding.UTF8.GetBytes(Command("AUTH", "c") + Command("AUTH", "s3cret")));

        Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.\r\n", reply);
        Assert.Equal(SessionStatus.Close, status);
    }
}
