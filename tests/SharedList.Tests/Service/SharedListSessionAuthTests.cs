using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging;
using SharedList.Protocol;
using SharedList.Stores;
using SharedList.Tests.Support;
using SocketServer.Sessions;

namespace SharedList.Tests.Service;

/// <summary>Access control in the session: AUTH first, nothing served or stored before it, three tries.</summary>
public class SharedListSessionAuthTests
{
    private const string Secret = "s3cret";

    [Fact]
    public void Before_AUTH_every_request_is_refused_and_nothing_is_stored_or_shown()
    {
        var store = new MemoryListStore();
        store.TryAppend("kept");
        var session = Sessions.Create(store, password: Secret);

        var (reply, status) = Process(session, "LIST\nCLEAR\nitem\n\ns3cret\nAUTH\n"u8.ToArray());
        var invalidUtf8 = Process(session, [0xff, (byte)'\n']);

        Assert.Equal(SessionStatus.Continue, status);
        Assert.Equal(string.Concat(Enumerable.Repeat("ERR authentication required\n", 6)), reply);
        Assert.Equal("ERR authentication required\n", invalidUtf8.Reply);
        Assert.Equal(ListStoreExtensions.Str("kept"), store.Snapshot().ToString());
    }

    [Fact]
    public void The_right_password_then_normal_service()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store, password: Secret);

        var (reply, status) = Process(session, "AUTH s3cret\nx\nLIST\nCLEAR\n\nLIST\n"u8.ToArray());

        Assert.Equal(SessionStatus.Continue, status);
        Assert.Equal("OK\nAck\n['x']\nLista apagada\nAck\n['']\n", reply);
    }

    [Fact]
    public void The_password_is_the_rest_of_the_line_spaces_included()
    {
        var session = Sessions.Create(new MemoryListStore(), password: "correct horse battery");

        Assert.Equal("ERR invalid password\n", Process(session, "AUTH correct horse\n"u8.ToArray()).Reply);
        Assert.Equal("ERR invalid password\n", Process(session, "AUTH  correct horse battery\n"u8.ToArray()).Reply);
        Assert.Equal("OK\n", Process(session, "AUTH correct horse battery\r\n"u8.ToArray()).Reply);
    }

    [Fact]
    public void A_wrong_password_is_refused_and_the_connection_goes_on_unauthenticated()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store, password: Secret);

        var (reply, status) = Process(session, "AUTH nope\nitem\nAUTH s3cret\nitem\n"u8.ToArray());

        Assert.Equal(SessionStatus.Continue, status);
        Assert.Equal("ERR invalid password\nERR authentication required\nOK\nAck\n", reply);
        Assert.Equal(ListStoreExtensions.Str("item"), store.Snapshot().ToString());
    }

    [Fact]
    public void The_third_wrong_password_is_answered_then_the_connection_closes_serving_nothing_after_it()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store, password: Secret);
        var input = new ReadOnlySequence<byte>("AUTH a\nAUTH b\nAUTH c\nAUTH s3cret\nitem\n"u8.ToArray());
        var output = new ArrayBufferWriter<byte>();

        var status = session.Process(ref input, false, output);

        Assert.Equal(SessionStatus.Close, status);
        Assert.Equal("ERR invalid password\nERR invalid password\nERR invalid password\n", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.True(input.IsEmpty);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Wrong_passwords_in_separate_reads_count_toward_the_same_limit()
    {
        var session = Sessions.Create(new MemoryListStore(), password: Secret);

        var result = DrivenSession.Feed(session, ["AUTH a\n"u8.ToArray(), "LIST\n"u8.ToArray(), "AUTH b\n"u8.ToArray(), "AUTH c\n"u8.ToArray(), "AUTH s3cret\n"u8.ToArray()], peerCloses: false);

        Assert.True(result.Closed);
        Assert.Equal("ERR invalid password\nERR authentication required\nERR invalid password\nERR invalid password\n", result.Text);
    }

    [Fact]
    public void Two_wrong_passwords_then_the_right_one_is_served()
    {
        var session = Sessions.Create(new MemoryListStore(), password: Secret);

        var (reply, status) = Process(session, "AUTH a\nAUTH b\nAUTH s3cret\nLIST\n"u8.ToArray());

        Assert.Equal(SessionStatus.Continue, status);
        Assert.Equal("ERR invalid password\nERR invalid password\nOK\n[]\n", reply);
    }

    [Fact]
    public void A_wrong_AUTH_after_the_right_one_is_refused_but_the_connection_stays_authenticated()
    {
        // As Redis: a failed AUTH does not undo an earlier success. It still counts toward the limit.
        var session = Sessions.Create(new MemoryListStore(), password: Secret);

        var (reply, _) = Process(session, "AUTH s3cret\nAUTH x\nLIST\n"u8.ToArray());

        Assert.Equal("OK\nERR invalid password\n[]\n", reply);
    }

    [Fact]
    public void AUTH_without_a_password_configured_is_an_error_and_the_connection_goes_on()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store);

        var (reply, status) = Process(session, "AUTH x\nAUTH y\nAUTH z\nAUTH w\nitem\nLIST\n"u8.ToArray());

        Assert.Equal(SessionStatus.Continue, status);
        Assert.Equal(string.Concat(Enumerable.Repeat("ERR no password is set\n", 4)) + "Ack\n['item']\n", reply);
    }

    [Fact]
    public void Raw_framing_authenticates_without_a_terminator()
    {
        var session = Sessions.Create(new MemoryListStore(), Framing.Raw, password: Secret);

        Assert.Equal("ERR authentication required", Process(session, "LIST"u8.ToArray()).Reply);
        Assert.Equal("OK", Process(session, "AUTH s3cret"u8.ToArray()).Reply);
        Assert.Equal("Ack", Process(session, "x"u8.ToArray()).Reply);
    }

    [Fact]
    public void An_AUTH_split_across_reads_at_every_point_authenticates()
    {
        var bytes = "AUTH pässwörd ☃\n"u8.ToArray();
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var session = Sessions.Create(new MemoryListStore(), password: "pässwörd ☃");

            var result = DrivenSession.Feed(session, SegmentedSequence.Chunks(bytes, [cut]), peerCloses: false);

            Assert.Equal("OK\n", Encoding.UTF8.GetString(result.Output));
        }
    }

    [Fact]
    public void Each_connection_authenticates_on_its_own()
    {
        var store = new MemoryListStore();
        var alice = Sessions.Create(store, password: Secret);
        var bob = Sessions.Create(store, password: Secret);

        Assert.Equal("OK\nAck\n", Process(alice, "AUTH s3cret\nfrom alice\n"u8.ToArray()).Reply);
        Assert.Equal("ERR authentication required\n", Process(bob, "LIST\n"u8.ToArray()).Reply);
    }

    [Fact]
    public void With_a_password_a_datagram_cannot_authenticate_because_each_is_its_own_session()
    {
        var store = new MemoryListStore();

        var auth = Process(Sessions.Create(store, transport: TransportKind.Datagram, password: Secret), "AUTH s3cret"u8.ToArray(), completed: true);
        var append = Process(Sessions.Create(store, transport: TransportKind.Datagram, password: Secret), "item"u8.ToArray(), completed: true);

        Assert.Equal(("OK", SessionStatus.Close), auth);
        Assert.Equal(("ERR authentication required", SessionStatus.Close), append);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void The_log_never_contains_a_password_right_or_wrong_at_any_level()
    {
        var logger = new RecordingLogger(LogLevel.Trace);
        string[] secrets = [Secret, "guess-one", "guess-two", "guess-three"];
        var session = Sessions.Create(new MemoryListStore(), logger: logger, password: Secret);
        var other = Sessions.Create(new MemoryListStore(), logger: logger, password: Secret);

        // A client that forgot the prefix sends the bare password; an AUTH may come split across reads.
        Process(session, "s3cret\nAUTH guess-one\nAUTH s3cret\nitem\n"u8.ToArray());
        DrivenSession.Feed(session, ["AUTH s3"u8.ToArray(), "cret\n"u8.ToArray()], peerCloses: false);
        Process(other, "AUTH guess-one\nAUTH guess-two\nAUTH guess-three\n"u8.ToArray());

        Assert.NotEmpty(logger.Entries);
        foreach (var (_, _, _, message, _) in logger.Entries)
        {
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, message, StringComparison.Ordinal));
        }

        Assert.Contains(logger.Entries, e => e.Message.Contains("AUTH ***", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("request item", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("3 wrong passwords, closing", StringComparison.Ordinal));
    }

    private static (string Reply, SessionStatus Status) Process(ISession session, byte[] bytes, bool completed = false)
    {
        var input = new ReadOnlySequence<byte>(bytes);
        var output = new ArrayBufferWriter<byte>();
        var status = session.Process(ref input, completed, output);
        return (Encoding.UTF8.GetString(output.WrittenSpan), status);
    }
}
