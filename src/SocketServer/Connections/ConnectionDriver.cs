using SocketServer.Core;
using SocketServer.Sessions;

namespace SocketServer.Connections;

/// <summary>
/// The rules of one stream connection, with no I/O: it holds what was received and not consumed and what was
/// written and not sent, runs the <see cref="ISession"/>, applies its <see cref="SessionStatus"/>, keeps the
/// connection's deadline, and says when the connection is done. Every server model moves bytes and readiness for
/// it and nothing more: receive into <see cref="GetReceiveBuffer"/> while <see cref="WantsToReceive"/>, report it
/// with <see cref="Received"/>; send <see cref="Unsent"/> while <see cref="HasUnsent"/>, report it with
/// <see cref="Sent"/>; close once <see cref="IsComplete"/> (or at <see cref="Deadline"/>).
/// </summary>
/// <remarks>
/// <para>The rules: replies are sent before more input is taken, which is the back-pressure on a client that does
/// not read; a session that stops at its output budget (<see cref="SessionStatus.OutputPending"/>) runs again once
/// its replies are sent, before anything new is received; the end of input runs the session one last time; a
/// connection is done once its session closed it or its input ended, and everything written was sent.</para>
/// <para>Buffers are borrowed while bytes are in flight and each given back as soon as it is empty, so an idle
/// connection holds none.</para>
/// <para>Threading: used by one thread at a time. <see cref="Deadline"/> may be read from any thread.</para>
/// <para>A model's connection may derive from it, to keep its transport's state in the same object: one object
/// and one cache line fewer per connection on the hot path. Nothing here is virtual.</para>
/// </remarks>
public class ConnectionDriver
{
    // The least room a receive is given: below it, unconsumed bytes are moved to the front or the buffer grows.
    private const int MinimumReceive = 512;

    private readonly ISession _session;
    private readonly ICommittingSession? _committing;
    private readonly IStallDescriber? _describer;
    private readonly ConnectionBuffersPool _pool;
    private readonly RoundClock? _round;
    private readonly ServerCounters? _counters;
    private InputBuffer? _input;
    private OutputBuffer? _output;
    private ConnectionClock _clock;
    private bool _inputEnded;
    private bool _closing;
    private bool _awaitingCommit;

    // What was held at the last update, for a stall described from another thread (a sweep).
    private int _unconsumed;
    private int _unsent;

    // The session stopped at its output budget: run it again once its replies are sent.
    private bool _pendingMore;

    /// <summary>Drives <paramref name="session"/> under <paramref name="timeouts"/> (none when null), with buffers of its own.</summary>
    public ConnectionDriver(ISession session, ConnectionTimeouts? timeouts = null)
        : this(session, timeouts ?? ConnectionTimeouts.None, new ConnectionBuffersPool(capacity: 1, shared: false))
    {
    }

    /// <param name="session">The connection's session.</param>
    /// <param name="timeouts">Its idle and stall bounds.</param>
    /// <param name="pool">Where buffers are borrowed.</param>
    /// <param name="round">An event loop's round time, read instead of the clock; null to read the clock.</param>
    /// <param name="counters">Where the bytes received and sent are counted; null for none.</param>
    internal ConnectionDriver(ISession session, ConnectionTimeouts timeouts, ConnectionBuffersPool pool, RoundClock? round = null, ServerCounters? counters = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(timeouts);
        _session = session;
        _committing = session as ICommittingSession;
        _describer = session as IStallDescriber;
        _pool = pool;
        _round = round;
        _counters = counters;
        _clock = new ConnectionClock(timeouts, Now);
    }

    /// <summary>True when the next thing to do is to receive: nothing to send or commit, input not ended, not closing.</summary>
    public bool WantsToReceive => !_inputEnded && !_closing && !HasUnsent && !_awaitingCommit;

    /// <summary>
    /// True while the session holds replies back until a commit (<see cref="ICommittingSession"/>): commit
    /// <see cref="CommitTicket"/> with <see cref="Committer"/>, then call <see cref="Committed"/>. Nothing is sent or
    /// received meanwhile.
    /// </summary>
    public bool AwaitingCommit => _awaitingCommit;

    /// <summary>The commit step the session's held replies wait for; null for a session that never holds any.</summary>
    public ICommitter? Committer => _committing?.Committer;

    /// <summary>The ticket the held replies wait for, while <see cref="AwaitingCommit"/>.</summary>
    public long CommitTicket => _awaitingCommit ? _committing!.CommitTicket : 0;

    /// <summary>True while replies wait to be sent; nothing is received meanwhile.</summary>
    public bool HasUnsent => _output is { HasPending: true };

    /// <summary>The replies to send, valid until the next call.</summary>
    public ReadOnlyMemory<byte> Unsent => _output?.PendingMemory ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>True once everything is sent and the session closed the connection or its input ended: close it now.</summary>
    public bool IsComplete => (_closing || _inputEnded) && !HasUnsent && !_awaitingCommit;

    /// <summary>True when bytes are held: received and not consumed, or written and not sent.</summary>
    public bool HasBytesInFlight => _input is { IsEmpty: false } || HasUnsent;

    /// <summary>
    /// When the connection is to be closed for its <see cref="ConnectionTimeouts"/>, in
    /// <see cref="Environment.TickCount64"/> milliseconds; <see cref="long.MaxValue"/> when never.
    /// </summary>
    public long Deadline => _clock.Deadline;

    /// <summary>Why the connection would be closed at <see cref="Deadline"/> (<c>was idle</c>, <c>made no progress</c>), for a log.</summary>
    public string DeadlineReason => _clock.Reason;

    /// <summary>The bound <see cref="Deadline"/> comes from, for a log.</summary>
    public TimeSpan DeadlineBound => _clock.Bound;

    /// <summary>
    /// When a stall is due to be reported with <see cref="TakeStallNotice"/>, in <see cref="Environment.TickCount64"/>
    /// milliseconds; <see cref="long.MaxValue"/> when none is (nothing stalled, no
    /// <see cref="ConnectionTimeouts.StallNotice"/>, a session that cannot describe it, or already reported). May be
    /// read from any thread.
    /// </summary>
    public long StallNoticeAt => _describer is null ? long.MaxValue : _clock.NoticeAt;

    /// <summary>How long a stalled connection stays quiet before its stall is reported, for a log.</summary>
    public TimeSpan StallNoticeBound => _clock.NoticeBound;

    /// <summary>
    /// Once per connection, at or after <see cref="StallNoticeAt"/>: the session's account of the stall
    /// (<see cref="IStallDescriber"/>), to log; null when it is not due, was taken, or the session has nothing to say.
    /// May be called from any thread.
    /// </summary>
    public string? TakeStallNotice(long now) => _describer is not null && _clock.TryTakeNotice(now) ? DescribeStall() : null;

    /// <summary>
    /// The session's account of what the connection holds (<see cref="IStallDescriber"/>), for the log of a close at
    /// <see cref="Deadline"/>; null for none. May be called from any thread.
    /// </summary>
    public string? DescribeStall() => _describer?.DescribeStall(new ConnectionStall(Volatile.Read(ref _unconsumed), Volatile.Read(ref _unsent)));

    /// <summary>Time left before <see cref="Deadline"/>: null when no bound applies, zero or less once it passed.</summary>
    public TimeSpan? TimeLeft() => Deadline == long.MaxValue ? null : TimeSpan.FromMilliseconds(Deadline - Environment.TickCount64);

    /// <summary>Room to receive into, borrowed until the connection is idle again. Call only while <see cref="WantsToReceive"/>.</summary>
    public Memory<byte> GetReceiveBuffer()
    {
        ThrowUnless(WantsToReceive, "receive");
        _input ??= _pool.RentInput();
        return _input.GetReceiveSpace(MinimumReceive);
    }

    /// <summary>
    /// Records that <paramref name="count"/> bytes were received into <see cref="GetReceiveBuffer"/>, or the end of
    /// input when 0, and runs the session on everything unconsumed.
    /// </summary>
    public void Received(int count)
    {
        ThrowUnless(WantsToReceive, "receive");
        _input ??= _pool.RentInput();
        if (count == 0)
        {
            _inputEnded = true;
        }
        else
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            _input.Commit(count);
            _counters?.CountReceived(count);
        }

        RunSession(activity: true);
    }

    /// <summary>
    /// Records that the commit <see cref="AwaitingCommit"/> waited for has completed, and runs the session, which
    /// writes the replies it held (and may hold new ones: check <see cref="AwaitingCommit"/> again).
    /// </summary>
    public void Committed()
    {
        ThrowUnless(_awaitingCommit, "wait for a commit");
        if (!_committing!.Committer.IsCommitted(_committing.CommitTicket))
        {
            throw new InvalidOperationException("The commit the session waits for has not completed.");
        }

        _awaitingCommit = false;
        RunSession(activity: false);
    }

    /// <summary>While <see cref="AwaitingCommit"/>: commits on this thread, or waits for the commit that covers the ticket, then <see cref="Committed"/>.</summary>
    public void WaitForCommit()
    {
        while (_awaitingCommit)
        {
            _committing!.Committer.Commit(_committing.CommitTicket);
            Committed();
        }
    }

    /// <summary>While <see cref="AwaitingCommit"/>: awaits the commit that covers the ticket, then <see cref="Committed"/>.</summary>
    public async ValueTask WaitForCommitAsync(CancellationToken cancellationToken = default)
    {
        while (_awaitingCommit)
        {
            await _committing!.Committer.CommitAsync(_committing.CommitTicket, cancellationToken).ConfigureAwait(false);
            Committed();
        }
    }

    /// <summary>The receive into <see cref="GetReceiveBuffer"/> found nothing after all (it would block): gives the buffer back if nothing else is held.</summary>
    public void CancelReceive() => ReturnEmptyBuffers();

    /// <summary>
    /// Records that the first <paramref name="count"/> bytes of <see cref="Unsent"/> were sent. Once all are, a
    /// session that stopped at its output budget runs again.
    /// </summary>
    public void Sent(int count)
    {
        ThrowUnless(HasUnsent, "send");
        var output = _output!;
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, output.PendingCount);
        output.Sent(count);
        _counters?.CountSent(count);
        if (!output.HasPending && _pendingMore)
        {
            RunSession(activity: true);
            return;
        }

        UpdateClock(activity: count > 0, progress: count > 0);
        ReturnEmptyBuffers();
    }

    /// <summary>
    /// Gives back what the connection borrowed; call once it is closed. <paramref name="reusable"/> false when an
    /// operation that failed may still hold its buffers (an abandoned asynchronous send).
    /// </summary>
    public void Release(bool reusable = true)
    {
        if (_input is { } input)
        {
            _input = null;
            _pool.Return(input);
        }

        if (_output is { } output)
        {
            _output = null;
            if (reusable)
            {
                _pool.Return(output);
            }
            else
            {
                _pool.Drop(output);
            }
        }
    }

    private void RunSession(bool activity)
    {
        var input = _input ??= _pool.RentInput();
        var output = _output ??= _pool.RentOutput();
        var progressed = false;
        while (true)
        {
            var data = input.Data;
            var written = output.PendingCount;
            var status = _session.Process(ref data, _inputEnded, output.Writer);
            var consumed = input.ConsumeTo(data) > 0;
            progressed |= consumed;
            _pendingMore = status == SessionStatus.OutputPending;
            _closing |= status == SessionStatus.Close;
            if (_committing is { CommitTicket: > 0 and var ticket } committing)
            {
                if (!committing.Committer.IsCommitted(ticket))
                {
                    // The commit point: these replies leave only once the store has done what its mode promises.
                    _awaitingCommit = true;
                    break;
                }

                // Already covered by a commit another connection made: the session writes its replies now.
                continue;
            }

            if (!_pendingMore || output.HasPending)
            {
                break;
            }

            // Called again at once: it asked to be, and has nothing to send first.
            if (!consumed && output.PendingCount == written)
            {
                throw new InvalidOperationException("The session returned OutputPending but wrote and consumed nothing; it would be called forever.");
            }
        }

        UpdateClock(activity, progressed);
        ReturnEmptyBuffers();
    }

    private void UpdateClock(bool activity, bool progress)
    {
        if (_clock.IsTimed)
        {
            if (_describer is not null)
            {
                Volatile.Write(ref _unconsumed, _input?.Count ?? 0);
                Volatile.Write(ref _unsent, _output?.PendingCount ?? 0);
            }

            _clock.Update(Now, activity, progress, inFlight: HasBytesInFlight || _pendingMore || _awaitingCommit);
        }
    }

    private long Now => _round?.Now ?? Environment.TickCount64;

    // Each buffer goes back as soon as it is empty: the input once consumed, even while replies wait to be sent.
    private void ReturnEmptyBuffers()
    {
        if (_input is { IsEmpty: true } input)
        {
            _input = null;
            _pool.Return(input);
        }

        if (_output is { HasPending: false } output && !_pendingMore)
        {
            _output = null;
            _pool.Return(output);
        }
    }

    private static void ThrowUnless(bool allowed, string what)
    {
        if (!allowed)
        {
            throw new InvalidOperationException($"The connection does not {what} now; check WantsToReceive and HasUnsent first.");
        }
    }
}
