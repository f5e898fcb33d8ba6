using System.Buffers;
using System.Text;
using SocketServer.Connections;
using SocketServer.Sessions;
using SocketServer.Tests.Support;

namespace SocketServer.Tests.Connections;

/// <summary>The read → process → send rules every model runs, driven with no socket.</summary>
public sealed class ConnectionDriverTests
{
    private readonly ConnectionBuffersPool _pool = new(capacity: 4);

    [Fact]
    public void Each_complete_line_is_answered_and_an_unfinished_one_waits_for_its_end()
    {
        var driver = Driver(new LineReverseSession());

        Receive(driver, "ab\ncd");
        Assert.Equal("ba\n", SendAll(driver));

        Receive(driver, "\n");
        Assert.Equal("dc\n", SendAll(driver));
        Assert.True(driver.WantsToReceive);
        Assert.False(driver.IsComplete);
    }

    [Fact]
    public void Nothing_is_received_while_replies_wait_to_be_sent()
    {
        var driver = Driver(new LineReverseSession());
        Receive(driver, "abc\n");

        Assert.True(driver.HasUnsent);
        Assert.False(driver.WantsToReceive);
        Assert.Throws<InvalidOperationException>(() => driver.GetReceiveBuffer());

        driver.Sent(1);
        Assert.Equal("ba\n", Encoding.ASCII.GetString(driver.Unsent.Span));
        Assert.False(driver.WantsToReceive);

        driver.Sent(3);
        Assert.True(driver.WantsToReceive);
        Assert.Throws<InvalidOperationException>(() => driver.Sent(0));
    }

    [Fact]
    public void Buffers_are_borrowed_only_while_bytes_are_in_flight_each_given_back_once_empty()
    {
        var driver = Driver(new LineReverseSession());
        Assert.Equal(0, _pool.Lent);

        // The input was all consumed: only the reply's buffer is held until it is sent.
        Receive(driver, "whole\n");
        Assert.Equal(1, _pool.Lent);
        SendAll(driver);
        Assert.Equal(0, _pool.Lent);

        // An unfinished line: only the input's buffer is held, no reply is waiting.
        Receive(driver, "unfinish");
        Assert.Equal(1, _pool.Lent);
        Assert.True(driver.HasBytesInFlight);

        Receive(driver, "ed\n");
        SendAll(driver);
        Assert.Equal(0, _pool.Lent);
        Assert.False(driver.HasBytesInFlight);
    }

    [Fact]
    public void A_receive_that_finds_nothing_gives_the_buffer_back()
    {
        var driver = Driver(new LineReverseSession());

        driver.GetReceiveBuffer();
        Assert.Equal(1, _pool.Lent);
        driver.CancelReceive();

        Assert.Equal(0, _pool.Lent);
        Assert.True(driver.WantsToReceive);
    }

    [Fact]
    public void The_end_of_input_answers_the_unfinished_tail_and_completes_once_it_is_sent()
    {
        var driver = Driver(new LineReverseSession());
        Receive(driver, "tail");

        driver.GetReceiveBuffer();
        driver.Received(0);

        Assert.False(driver.WantsToReceive);
        Assert.False(driver.IsComplete);
        Assert.Equal("liat\n", SendAll(driver));
        Assert.True(driver.IsComplete);
    }

    [Fact]
    public void A_session_that_closes_gets_its_last_reply_sent_and_nothing_after_it_served()
    {
        var driver = Driver(new LineReverseSession());

        Receive(driver, "QUIT\nnever\n");

        Assert.False(driver.IsComplete);
        Assert.False(driver.WantsToReceive);
        Assert.Equal("BYE\n", SendAll(driver));
        Assert.True(driver.IsComplete);
    }

    [Fact]
    public void A_session_at_its_output_budget_runs_again_once_its_replies_are_sent_before_anything_is_received()
    {
        var session = new OneReplyPerCallSession();
        var driver = Driver(session);

        Receive(driver, "a\nb\nc\n");
        Assert.Equal(1, session.Calls);

        Assert.Equal("a\n", Encoding.ASCII.GetString(driver.Unsent.Span));
        driver.Sent(2);
        Assert.Equal(2, session.Calls);
        Assert.Equal("b\n", Encoding.ASCII.GetString(driver.Unsent.Span));
        Assert.False(driver.WantsToReceive);

        driver.Sent(2);
        Assert.Equal("c\n", SendAll(driver));
        Assert.Equal(3, session.Calls);
        Assert.True(driver.WantsToReceive);
    }

    [Fact]
    public void A_session_that_asks_to_run_again_but_does_nothing_is_stopped_rather_than_called_forever()
    {
        var driver = Driver(new StuckSession());

        var e = Assert.Throws<InvalidOperationException>(() => Receive(driver, "x\n"));

        Assert.Contains("OutputPending", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Release_gives_back_what_an_unfinished_connection_borrowed()
    {
        var driver = Driver(new LineReverseSession());
        Receive(driver, "half");
        Assert.Equal(1, _pool.Lent);

        driver.Release();

        Assert.Equal(0, _pool.Lent);
    }

    [Fact]
    public void Without_timeouts_there_is_no_deadline()
    {
        var driver = Driver(new LineReverseSession());
        Receive(driver, "half");

        Assert.Equal(long.MaxValue, driver.Deadline);
        Assert.Null(driver.TimeLeft());
    }

    [Fact]
    public void Half_a_line_buys_no_more_time_than_silence()
    {
        var driver = Driver(new LineReverseSession(), new ConnectionTimeouts(Idle: TimeSpan.FromSeconds(3), Stall: TimeSpan.FromSeconds(30)));
        var before = Environment.TickCount64;

        Receive(driver, "half a li");

        Assert.InRange(driver.Deadline - before, 2_500, 3_500);
        Assert.Equal("was idle", driver.DeadlineReason);
        Assert.Equal(TimeSpan.FromSeconds(3), driver.DeadlineBound);
    }

    [Fact]
    public void Something_in_flight_is_bounded_by_the_stall_timeout_and_nothing_in_flight_is_not()
    {
        var driver = Driver(new LineReverseSession(), new ConnectionTimeouts(Idle: TimeSpan.Zero, Stall: TimeSpan.FromSeconds(2)));
        Assert.Equal(long.MaxValue, driver.Deadline);
        var before = Environment.TickCount64;

        Receive(driver, "half");
        Assert.InRange(driver.Deadline - before, 1_500, 2_500);
        Assert.Equal("made no progress", driver.DeadlineReason);

        Receive(driver, "\n");
        Assert.NotEqual(long.MaxValue, driver.Deadline);
        SendAll(driver);
        Assert.Equal(long.MaxValue, driver.Deadline);
    }

    [Fact]
    public void A_stall_notice_asks_a_describing_session_once_what_the_connection_holds()
    {
        var session = new DescribingSession();
        var driver = Driver(session, new ConnectionTimeouts(Idle: TimeSpan.Zero, Stall: TimeSpan.FromSeconds(30)) { StallNotice = TimeSpan.FromSeconds(2) });
        Assert.Equal(long.MaxValue, driver.StallNoticeAt);
        var before = Environment.TickCount64;

        Receive(driver, "half");

        Assert.InRange(driver.StallNoticeAt - before, 1_500, 2_500);
        Assert.Null(driver.TakeStallNotice(driver.StallNoticeAt - 1));
        Assert.Equal("4 unconsumed, 0 unsent", driver.TakeStallNotice(driver.StallNoticeAt));
        Assert.Null(driver.TakeStallNotice(long.MaxValue - 1));
        Assert.Equal("4 unconsumed, 0 unsent", driver.DescribeStall());

        Receive(driver, "\nab\nc");
        Assert.Equal("1 unconsumed, 8 unsent", driver.DescribeStall());
        Assert.Equal(TimeSpan.FromSeconds(2), driver.StallNoticeBound);
    }

    [Fact]
    public void A_session_that_cannot_describe_a_stall_is_never_due_for_a_notice()
    {
        var driver = Driver(new LineReverseSession(), new ConnectionTimeouts(Idle: TimeSpan.Zero, Stall: TimeSpan.FromSeconds(30)) { StallNotice = TimeSpan.FromSeconds(2) });

        Receive(driver, "half");

        Assert.Equal(long.MaxValue, driver.StallNoticeAt);
        Assert.Null(driver.TakeStallNotice(long.MaxValue - 1));
        Assert.Null(driver.DescribeStall());
    }

    [Fact]
    public void Held_replies_wait_for_their_commit_and_nothing_is_received_meanwhile()
    {
        var committer = new CountingCommitter();
        var driver = Driver(new HoldingSession(committer));

        Receive(driver, "ab\ncd\n");
        Assert.True(driver.AwaitingCommit);
        Assert.Equal(2, driver.CommitTicket);
        Assert.False(driver.HasUnsent);
        Assert.False(driver.WantsToReceive);
        Assert.False(driver.IsComplete);
        Assert.Throws<InvalidOperationException>(driver.Committed);

        driver.WaitForCommit();
        Assert.False(driver.AwaitingCommit);
        Assert.Equal(2, committer.Committed);
        Assert.Equal("ba\ndc\n", SendAll(driver));
        Assert.True(driver.WantsToReceive);
    }

    [Fact]
    public void Replies_already_covered_by_a_commit_are_written_at_once()
    {
        var committer = new CountingCommitter();
        committer.Commit(10);
        var driver = Driver(new HoldingSession(committer));

        Receive(driver, "ab\n");

        Assert.False(driver.AwaitingCommit);
        Assert.Equal("ba\n", SendAll(driver));
    }

    [Fact]
    public async Task The_end_of_input_waits_for_the_commit_before_the_connection_completes()
    {
        var committer = new CountingCommitter();
        var driver = Driver(new HoldingSession(committer));
        Receive(driver, "ab\n");
        Assert.False(driver.WantsToReceive);
        Assert.False(driver.IsComplete);

        await driver.WaitForCommitAsync();
        Assert.Equal("ba\n", SendAll(driver));
        driver.Received(0);
        Assert.True(driver.IsComplete);
    }

    private ConnectionDriver Driver(ISession session, ConnectionTimeouts? timeouts = null) =>
        new(session, timeouts ?? ConnectionTimeouts.None, _pool);

    private static void Receive(ConnectionDriver driver, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var room = driver.GetReceiveBuffer();
        bytes.CopyTo(room);
        driver.Received(bytes.Length);
    }

    private static string SendAll(ConnectionDriver driver)
    {
        var sent = new StringBuilder();
        for (var sends = 0; driver.HasUnsent && sends < 100; sends++)
        {
            var unsent = driver.Unsent;
            sent.Append(Encoding.UTF8.GetString(unsent.Span));
            driver.Sent(unsent.Length);
        }

        return sent.ToString();
    }

    /// <summary>Echoes one line per call and asks to be called again while lines remain, as a session at its budget does.</summary>
    private sealed class OneReplyPerCallSession : ISession
    {
        public int Calls { get; private set; }

        public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output)
        {
            Calls++;
            var reader = new SequenceReader<byte>(input);
            if (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                output.Write(line.ToArray());
                output.Write("\n"u8);
            }

            input = input.Slice(reader.Position);
            return input.PositionOf((byte)'\n') is null ? SessionStatus.Continue : SessionStatus.OutputPending;
        }
    }

    /// <summary>A buggy session: it asks to be called again but never consumes or writes anything.</summary>
    private sealed class StuckSession : ISession
    {
        public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output) => SessionStatus.OutputPending;
    }

    /// <summary>The line-reverse protocol, saying what a stalled connection holds.</summary>
    private sealed class DescribingSession : ISession, IStallDescriber
    {
        private readonly LineReverseSession _lines = new();

        public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output) =>
            _lines.Process(ref input, inputCompleted, output);

        public string? DescribeStall(ConnectionStall stall) => $"{stall.UnconsumedBytes} unconsumed, {stall.UnsentBytes} unsent";
    }

    private sealed class CountingCommitter : ICommitter
    {
        public long Committed { get; private set; }

        public bool CommitsQuickly => true;

        public bool IsCommitted(long ticket) => Committed >= ticket;

        public void Commit(long ticket) => Committed = Math.Max(Committed, ticket);

        public ValueTask CommitAsync(long ticket, CancellationToken cancellationToken = default)
        {
            Commit(ticket);
            return ValueTask.CompletedTask;
        }
    }

    // Reverses lines, as LineReverseSession does, but holds each reply for a commit, one ticket per line.
    private sealed class HoldingSession(ICommitter committer) : ICommittingSession
    {
        private readonly List<string> _held = [];
        private long _issued;

        public ICommitter Committer => committer;

        public long CommitTicket => _held.Count > 0 ? _issued : 0;

        public SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output)
        {
            if (_held.Count > 0 && committer.IsCommitted(_issued))
            {
                _held.ForEach(reply => output.Write(Encoding.ASCII.GetBytes(reply)));
                _held.Clear();
            }

            var reader = new SequenceReader<byte>(input);
            while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                _issued++;
                _held.Add(new string([.. Encoding.ASCII.GetString(line).Reverse()]) + "\n");
            }

            input = input.Slice(reader.Position);
            return inputCompleted ? SessionStatus.Close : SessionStatus.Continue;
        }
    }
}
