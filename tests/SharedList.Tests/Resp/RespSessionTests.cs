using System.Text;
using SharedList.Stores;
using static SharedList.Tests.Resp.RespSessions;

namespace SharedList.Tests.Resp;

/// <summary>Each command's reply, byte for byte as Redis writes it, with no socket.</summary>
public sealed class RespSessionTests
{
    [Fact]
    public void Pushes_reply_with_the_length_and_lrange_reads_the_items_in_order()
    {
        var session = Create(new MemoryListStore());

        Assert.Equal(":2\r\n", Call(session, "RPUSH", "k", "b", "c"));
        Assert.Equal(":4\r\n", Call(session, "lpush", "k", "x", "a"));
        Assert.Equal(Array("a", "x", "b", "c"), Call(session, "LRANGE", "k", "0", "-1"));
        Assert.Equal(Array("x", "b"), Call(session, "LRANGE", "k", "1", "2"));
        Assert.Equal("*0\r\n", Call(session, "LRANGE", "k", "5", "10"));
        Assert.Equal("*0\r\n", Call(session, "LRANGE", "nothing", "0", "-1"));
        Assert.Equal(":4\r\n", Call(session, "LLEN", "k"));
        Assert.Equal(":0\r\n", Call(session, "LLEN", "nothing"));
    }

    [Fact]
    public void Lindex_reads_one_item_or_nil()
    {
        var session = Create(new MemoryListStore());
        Call(session, "RPUSH", "k", "a", "b", "c");

        Assert.Equal(Bulk("a"), Call(session, "LINDEX", "k", "0"));
        Assert.Equal(Bulk("c"), Call(session, "LINDEX", "k", "-1"));
        Assert.Equal("$-1\r\n", Call(session, "LINDEX", "k", "3"));
        Assert.Equal("$-1\r\n", Call(session, "LINDEX", "k", "-4"));
        Assert.Equal("$-1\r\n", Call(session, "LINDEX", "nothing", "0"));
    }

    [Fact]
    public void Pops_take_from_either_end_with_or_without_a_count()
    {
        var session = Create(new MemoryListStore());
        Call(session, "RPUSH", "k", "a", "b", "c", "d", "e");

        Assert.Equal(Bulk("a"), Call(session, "LPOP", "k"));
        Assert.Equal(Bulk("e"), Call(session, "RPOP", "k"));
        Assert.Equal(Array("d", "c"), Call(session, "RPOP", "k", "2"));
        Assert.Equal("*0\r\n", Call(session, "LPOP", "k", "0"));
        Assert.Equal(Array("b"), Call(session, "LPOP", "k", "10"));
        Assert.Equal("$-1\r\n", Call(session, "LPOP", "k"));
        Assert.Equal("*-1\r\n", Call(session, "RPOP", "k", "3"));
        Assert.Equal("*-1\r\n", Call(session, "RPOP", "k", "0"));
        Assert.Equal(":0\r\n", Call(session, "EXISTS", "k"));
    }

    [Fact]
    public void Del_exists_and_type_see_a_list_only_while_it_holds_items()
    {
        var session = Create(new MemoryListStore());
        Call(session, "RPUSH", "a", "1");
        Call(session, "RPUSH", "b", "1", "2");

        Assert.Equal("+list\r\n", Call(session, "TYPE", "a"));
        Assert.Equal("+none\r\n", Call(session, "TYPE", "c"));
        Assert.Equal(":1\r\n", Call(session, "EXISTS", "a"));
        Assert.Equal(":3\r\n", Call(session, "EXISTS", "a", "b", "c", "a"));
        Assert.Equal(":2\r\n", Call(session, "DEL", "a", "b", "c"));
        Assert.Equal(":0\r\n", Call(session, "DEL", "a"));
        Assert.Equal(":0\r\n", Call(session, "EXISTS", "a", "b"));
        Call(session, "RPUSH", "a", "1");
        Assert.Equal(":1\r\n", Call(session, "UNLINK", "a", "b"));
        Assert.Equal(":0\r\n", Call(session, "EXISTS", "a"));
    }

    [Fact]
    public void Keys_scan_and_dbsize_name_the_lists_that_hold_items()
    {
        var store = new MemoryListStore();
        var session = Create(store);
        Call(session, "RPUSH", "user:1", "x");
        Call(session, "RPUSH", "user:2", "x");
        Call(session, "RPUSH", "other", "x");
        store.GetList("empty");

        Assert.Equal(":3\r\n", Call(session, "DBSIZE"));
        Assert.Equal(Array("user:1", "user:2"), Sorted(Call(session, "KEYS", "user:*")));
        Assert.Equal(Array("other", "user:1", "user:2"), Sorted(Call(session, "KEYS", "*")));
        Assert.Equal(Array("user:2"), Call(session, "KEYS", "user:[2-9]"));

        var scan = Call(session, "SCAN", "0", "MATCH", "user:?", "COUNT", "1");
        Assert.StartsWith("*2\r\n$1\r\n0\r\n*2\r\n", scan, StringComparison.Ordinal);
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", Call(session, "SCAN", "0", "TYPE", "string"));
        Assert.StartsWith("*2\r\n$1\r\n0\r\n*3\r\n", Call(session, "scan", "0", "type", "LIST"), StringComparison.Ordinal);
    }

    [Fact]
    public void Flushdb_and_flushall_empty_every_list()
    {
        var session = Create(new MemoryListStore());
        Call(session, "RPUSH", "a", "1");
        Call(session, "RPUSH", "b", "1");

        Assert.Equal("+OK\r\n", Call(session, "FLUSHDB"));
        Assert.Equal(":0\r\n", Call(session, "DBSIZE"));
        Call(session, "RPUSH", "a", "1");
        Assert.Equal("+OK\r\n", Call(session, "FLUSHALL", "ASYNC"));
        Assert.Equal(":0\r\n", Call(session, "DBSIZE"));
        Assert.Equal("-ERR syntax error\r\n", Call(session, "FLUSHDB", "LATER"));
    }

    [Fact]
    public void Server_commands_answer_as_Redis_does()
    {
        var session = Create(new MemoryListStore());

        Assert.Equal("+PONG\r\n", Call(session, "PING"));
        Assert.Equal(Bulk("hi there"), Call(session, "PING", "hi there"));
        Assert.Equal(Bulk("échó"), Call(session, "ECHO", "échó"));
        Assert.Equal("+OK\r\n", Call(session, "SELECT", "0"));
        Assert.Equal("-ERR DB index is out of range\r\n", Call(session, "SELECT", "1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", Call(session, "SELECT", "x"));
        Assert.Equal(Array("save", "", "appendonly", "no"), Call(session, "CONFIG", "GET", "save", "appendonly"));
        Assert.Equal("*0\r\n", Call(session, "CONFIG", "GET", "maxmemory"));
        Assert.Equal("*0\r\n", Call(session, "COMMAND", "DOCS"));
        Assert.Equal(":26\r\n", Call(session, "COMMAND", "COUNT"));
        Assert.StartsWith("*26\r\n*10\r\n$5\r\nrpush\r\n:-3\r\n", Call(session, "COMMAND"), StringComparison.Ordinal);
        Assert.StartsWith("*1\r\n*10\r\n$6\r\nlrange\r\n:4\r\n", Call(session, "COMMAND", "INFO", "LRANGE"), StringComparison.Ordinal);
    }

    [Fact]
    public void Hello_answers_in_RESP2_and_refuses_RESP3()
    {
        var session = Create(new MemoryListStore());

        var hello = Call(session, "HELLO");
        Assert.StartsWith("*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n", hello, StringComparison.Ordinal);
        Assert.Contains("$5\r\nproto\r\n:2\r\n", hello, StringComparison.Ordinal);
        Assert.Equal(hello, Call(session, "HELLO", "2"));
        Assert.Equal("-NOPROTO unsupported protocol version\r\n", Call(session, "HELLO", "3"));
        Assert.Equal("-ERR Protocol version is not an integer or out of range\r\n", Call(session, "HELLO", "two"));
        Assert.StartsWith("*14\r\n", Call(session, "HELLO", "2", "SETNAME", "me"), StringComparison.Ordinal);
        Assert.Equal(Bulk("me"), Call(session, "CLIENT", "GETNAME"));
    }

    [Fact]
    public void Client_names_itself_and_tells_its_id()
    {
        var session = Create(new MemoryListStore());

        Assert.Equal("$-1\r\n", Call(session, "CLIENT", "GETNAME"));
        Assert.Equal("+OK\r\n", Call(session, "CLIENT", "SETNAME", "worker-1"));
        Assert.Equal(Bulk("worker-1"), Call(session, "client", "getname"));
        Assert.Equal("-ERR Client names cannot contain spaces, newlines or special characters.\r\n", Call(session, "CLIENT", "SETNAME", "a b"));
        Assert.Matches(@"^:\d+\r\n$", Call(session, "CLIENT", "ID"));
        Assert.Contains("name=worker-1", Call(session, "CLIENT", "INFO"), StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", Call(session, "CLIENT", "SETINFO", "lib-name", "redis-py"));
        Assert.Equal("-ERR unknown subcommand 'KILL'. Try CLIENT HELP.\r\n", Call(session, "CLIENT", "KILL"));
    }

    [Fact]
    public void Info_has_every_section_clients_read_or_the_one_asked_for()
    {
        var session = Create(new MemoryListStore());
        Call(session, "RPUSH", "a", "1");

        var info = ReadBulk(Call(session, "INFO"));
        foreach (var section in new[] { "# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Keyspace" })
        {
            Assert.Contains(section + "\r\n", info, StringComparison.Ordinal);
        }

        Assert.Contains("redis_version:", info, StringComparison.Ordinal);
        Assert.Contains("db0:keys=1,expires=0,avg_ttl=0\r\n", info, StringComparison.Ordinal);

        var keyspace = ReadBulk(Call(session, "INFO", "keyspace"));
        Assert.Equal("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n", keyspace);
        Assert.Equal("$0\r\n\r\n", Call(session, "INFO", "nosuchsection"));
    }

    [Fact]
    public void Pipelined_requests_get_their_replies_in_order()
    {
        var session = Create(new MemoryListStore());

        var replies = Send(session, Command("RPUSH", "k", "a") + Command("PING") + Command("RPUSH", "k", "b") + Command("LRANGE", "k", "0", "-1") + Command("NOPE"));

        Assert.Equal(":1\r\n+PONG\r\n:2\r\n" + Array("a", "b") + "-ERR unknown command 'NOPE', with args beginning with: \r\n", replies);
    }

    [Fact]
    public void Inline_commands_work_as_typed_into_a_socket()
    {
        var session = Create(new MemoryListStore());

        Assert.Equal(":2\r\n", Send(session, "RPUSH k \"two words\" 'it\\'s'\r\n"));
        Assert.Equal(Array("two words", "it's"), Send(session, "LRANGE k 0 -1\n"));
        Assert.Equal("+PONG\r\n", Send(session, "\r\nPING\r\n"));
    }

    [Fact]
    public void A_request_split_at_every_byte_gets_the_same_reply()
    {
        var request = Encoding.UTF8.GetBytes(Command("RPUSH", "k", "hello", "wörld") + Command("LRANGE", "k", "0", "-1"));
        var session = Create(new MemoryListStore());

        var result = SharedList.Tests.Support.DrivenSession.Feed(session, request.Select(b => new[] { b }));

        Assert.Equal(":2\r\n" + Array("hello", "wörld"), result.Text);
    }

    [Fact]
    public void Quit_replies_ok_and_closes_serving_nothing_after_it()
    {
        var session = Create(new MemoryListStore());

        var (reply, status) = SendAny(session, Encoding.UTF8.GetBytes(Command("PING") + Command("QUIT") + Command("PING")));

        Assert.Equal("+PONG\r\n+OK\r\n", reply);
        Assert.Equal(SocketServer.Sessions.SessionStatus.Close, status);
    }

    private static string ReadBulk(string reply)
    {
        var header = reply.IndexOf("\r\n", StringComparison.Ordinal);
        var length = int.Parse(reply.AsSpan(1, header - 1), System.Globalization.CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(reply)[(header + 2)..];
        Assert.Equal(length + 2, body.Length);
        return Encoding.UTF8.GetString(body, 0, length);
    }

    // KEYS answers in no particular order.
    private static string Sorted(string reply)
    {
        var lines = reply.Split("\r\n");
        var count = int.Parse(lines[0].AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        var keys = Enumerable.Range(0, count).Select(i => lines[2 + (2 * i)]).Order(StringComparer.Ordinal).ToArray();
        return Array(keys);
    }
}
