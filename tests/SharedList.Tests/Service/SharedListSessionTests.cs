using System.Buffers;
using System.Text;
using SharedList.Protocol;
using SharedList.Stores;
using SharedList.Tests.Support;
using SocketServer.Sessions;

namespace SharedList.Tests.Service;

public class SharedListSessionTests
{
    [Fact]
    public void Line_framing_replies_to_each_command_with_a_newline()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store);

        Assert.Equal("[]\n", Send(session, "LIST\n"));
        Assert.Equal("Ack\n", Send(session, "it's\n"));
        Assert.Equal("Ack\n", Send(session, "\n"));
        Assert.Equal("[\"it's\", '']\n", Send(session, "LIST\r\n"));
        Assert.Equal("Lista apagada\n", Send(session, "CLEAR\n"));
        Assert.Equal("[]\n", Send(session, "LIST\n"));
    }

    [Fact]
    public void Raw_framing_replies_without_a_terminator_one_message_per_call()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store, Framing.Raw);

        Assert.Equal("Ack", Send(session, "a\nb"));
        Assert.Equal("Ack", Send(session, "LIST\n"));
        Assert.Equal("['a\\nb', 'LIST\\n']", Send(session, "LIST"));
        Assert.Equal("Lista apagada", Send(session, "CLEAR"));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Pipelined_messages_get_their_replies_in_order()
    {
        var session = Sessions.Create(new MemoryListStore());

        Assert.Equal("Ack\nAck\n['a', 'b']\nLista apagada\n[]\n", Send(session, "a\nb\nLIST\nCLEAR\nLIST\n"));
    }

    [Fact]
    public void Sessions_share_one_store()
    {
        var store = new MemoryListStore();
        var alice = Sessions.Create(store);
        var bob = Sessions.Create(store, Framing.Raw);

        Send(alice, "from alice\n");
        Send(bob, "from bob");

        Assert.Equal("['from alice', 'from bob']\n", Send(alice, "LIST\n"));
    }

    [Fact]
    public void Invalid_utf8_is_refused_without_storing_and_the_next_message_works()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store);
        var input = new ReadOnlySequence<byte>([0xff, (byte)'\n', 0xc3, (byte)'\n', 0xed, 0xa0, 0x80, (byte)'\n', .. "ok\nLIST\n"u8]);
        var output = new ArrayBufferWriter<byte>();

        var status = session.Process(ref input, false, output);

        Assert.Equal(SessionStatus.Continue, status);
        Assert.Equal(
            "ERR invalid UTF-8\nERR invalid UTF-8\nERR invalid UTF-8\nAck\n['ok']\n",
            Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void Invalid_utf8_with_raw_framing_gets_an_unterminated_error()
    {
        var session = Sessions.Create(new MemoryListStore(), Framing.Raw);

        var result = DrivenSession.Feed(session, [[0x80]], peerCloses: false);

        Assert.Equal("ERR invalid UTF-8"u8.ToArray(), result.Output);
    }

    [Fact]
    public void A_message_too_long_is_answered_then_the_connection_closes()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store, maxMessageBytes: 4);
        var input = new ReadOnlySequence<byte>("abcd\nabcde\nLIST\n"u8.ToArray());
        var output = new ArrayBufferWriter<byte>();

        var status = session.Process(ref input, false, output);

        Assert.Equal(SessionStatus.Close, status);
        Assert.Equal("Ack\nERR message too long\n", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(ListStoreExtensions.Str("abcd"), store.Snapshot().ToString());
    }

    [Fact]
    public void A_line_too_long_is_refused_before_its_newline_arrives()
    {
        var session = Sessions.Create(new MemoryListStore(), maxMessageBytes: 4);

        var result = DrivenSession.Feed(session, ["abc"u8.ToArray(), "de"u8.ToArray(), "never read\n"u8.ToArray()], peerCloses: false);

        Assert.True(result.Closed);
        Assert.Equal("ERR message too long\n"u8.ToArray(), result.Output);
    }

    [Fact]
    public void Raw_framing_too_long_replies_without_terminator()
    {
        var session = Sessions.Create(new MemoryListStore(), Framing.Raw, maxMessageBytes: 4);

        var result = DrivenSession.Feed(session, ["abcde"u8.ToArray()]);

        Assert.True(result.Closed);
        Assert.Equal("ERR message too long"u8.ToArray(), result.Output);
    }

    [Fact]
    public void An_incomplete_line_is_left_unconsumed()
    {
        var session = Sessions.Create(new MemoryListStore());
        var input = new ReadOnlySequence<byte>("a\nbc"u8.ToArray());
        var output = new ArrayBufferWriter<byte>();

        var status = session.Process(ref input, false, output);

        Assert.Equal(SessionStatus.Continue, status);
        Assert.Equal("bc"u8.ToArray(), input.ToArray());
        Assert.Equal("Ack\n"u8.ToArray(), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void At_end_of_input_an_unfinished_line_is_dropped_and_the_session_closes()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store);

        var result = DrivenSession.Feed(session, ["a\nb"u8.ToArray()], peerCloses: true);

        Assert.True(result.Closed);
        Assert.Equal("Ack\n"u8.ToArray(), result.Output);
        Assert.Equal(ListStoreExtensions.Str("a"), store.Snapshot().ToString());
    }

    [Fact]
    public void A_datagram_is_one_raw_message_whatever_the_options_say()
    {
        var store = new MemoryListStore();

        var append = Datagram(store, "a\nb\n");
        var list = Datagram(store, "LIST");

        Assert.Equal("Ack", append.Reply);
        Assert.Equal(SessionStatus.Close, append.Status);
        Assert.Equal("['a\\nb\\n']", list.Reply);
    }

    [Fact]
    public void An_empty_datagram_is_an_empty_message()
    {
        var store = new MemoryListStore();

        var reply = Datagram(store, "");

        Assert.Equal("Ack", reply.Reply);
        Assert.Equal(ListStoreExtensions.Str(""), store.Snapshot().ToString());
    }

    [Fact]
    public void A_datagram_over_the_limit_is_refused()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store, transport: TransportKind.Datagram, maxMessageBytes: 3);
        var input = new ReadOnlySequence<byte>("abcd"u8.ToArray());
        var output = new ArrayBufferWriter<byte>();

        var status = session.Process(ref input, true, output);

        Assert.Equal(SessionStatus.Close, status);
        Assert.Equal("ERR message too long"u8.ToArray(), output.WrittenSpan.ToArray());
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void A_message_split_across_segments_is_stored_whole()
    {
        var store = new MemoryListStore();
        var session = Sessions.Create(store);
        var bytes = Encoding.UTF8.GetBytes("ação 😀\n");

        // Cut inside the 4-byte emoji and inside 'ç': validation must see the whole message.
        var chunks = SegmentedSequence.Chunks(bytes, [2, 3, 9]);
        var result = DrivenSession.Feed(session, chunks, peerCloses: false);

        Assert.Equal("Ack\n"u8.ToArray(), result.Output);
        Assert.Equal(ListStoreExtensions.Str("ação 😀"), store.Snapshot().ToString());
    }

    [Fact]
    public void A_list_longer_than_the_output_budget_goes_out_a_budget_at_a_time_and_stays_the_list_it_was()
    {
        var store = new MemoryListStore();
        for (var i = 0; i < 200; i++)
        {
            Assert.True(store.TryAppend(Encoding.UTF8.GetBytes($"item-{i:D3}")));
        }

        var whole = store.Snapshot().ToString() + "\n";
        var session = Sessions.Create(store, outputBudgetBytes: 256);

        // Twice: the second big LIST reuses what the first one left.
        for (var round = 0; round < 2; round++)
        {
            var input = new ReadOnlySequence<byte>("LIST\nx\n"u8.ToArray());
            var output = new ArrayBufferWriter<byte>();
            var status = session.Process(ref input, false, output);
            var calls = 1;
            Assert.Equal(SessionStatus.OutputPending, status);
            while (status == SessionStatus.OutputPending && calls < 100)
            {
                // Appended while the reply is under way: not in it.
                Assert.True(store.TryAppend("later"u8));
                status = session.Process(ref input, false, output);
                calls++;
            }

            Assert.Equal(SessionStatus.Continue, status);
            Assert.True(input.IsEmpty);
            Assert.InRange(calls, whole.Length / 256, whole.Length / 256 + 2);
            Assert.Equal(whole + "Ack\n", Encoding.UTF8.GetString(output.WrittenSpan));
            store.Clear();
            for (var i = 0; i < 200; i++)
            {
                Assert.True(store.TryAppend(Encoding.UTF8.GetBytes($"item-{i:D3}")));
            }
        }
    }

    private static string Send(ISession session, string text)
    {
        var input = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));
        var output = new ArrayBufferWriter<byte>();
        var status = session.Process(ref input, false, output);
        Assert.Equal(SessionStatus.Continue, status);
        Assert.True(input.IsEmpty, "the whole message should be consumed");
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static (string Reply, SessionStatus Status) Datagram(IListStore store, string text)
    {
        var session = Sessions.Create(store, Framing.Line, TransportKind.Datagram);
        var input = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));
        var output = new ArrayBufferWriter<byte>();
        var status = session.Process(ref input, true, output);
        Assert.True(input.IsEmpty);
        return (Encoding.UTF8.GetString(output.WrittenSpan), status);
    }
}
