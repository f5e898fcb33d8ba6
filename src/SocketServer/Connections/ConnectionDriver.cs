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
/// <para>Buffers are borrowed while bytes are in flight and given back as soon as none are, so an idle connection
/// holds none.</para>
/// <para>Threading: used by one thread at a time. <see cref="Deadline"/> may be read from any thread.</para>
/// </remarks>
public sealed class ConnectionDriver
{
    // The least room a receive is given: below it, unconsumed bytes are moved to the front or the buffer grows.
    private const int MinimumReceive = 512;

    private readonly ISession _session;
    private readonly ConnectionBuffersPool _pool;
    private ConnectionBuffers? _buffers;
    private ConnectionClock _clock;
    private bool _inputEnded;
    private bool _closing;

    // The session stopped at its output budget: run it again once its replies are sent.
    private bool _pendingMore;

    /// <summary>Drives <paramref name="session"/> under <paramref name="timeouts"/> (none when null), with buffers of its own.</summary>
    public ConnectionDriver(ISession session, ConnectionTimeouts? timeouts = null)
        : this(session, timeouts ?? ConnectionTimeouts.None, new ConnectionBuffersPool(capacity: 1, shared: false))
    {
    }

    internal ConnectionDriver(ISession session, ConnectionTimeouts timeouts, ConnectionBuffersPool pool)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(timeouts);
        _session = session;
        _pool = pool;
        _clock = new ConnectionClock(timeouts, Environment.TickCount64);
    }

    /// <summary>True when the next thing to do is to receive: nothing to send, input not ended, not closing.</summary>
    public bool WantsToReceive => !_inputEnded && !_closing && !HasUnsent;

    /// <summary>True while replies wait to be sent; nothing is received meanwhile.</summary>
    public bool HasUnsent => _buffers is { Output.HasPending: true };

    /// <summary>The replies to send, valid until the next call.</summary>
    public ReadOnlyMemory<byte> Unsent => _buffers?.Output.PendingMemory ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>True once everything is sent and the session closed the connection or its input ended: close it now.</summary>
    public bool IsComplete => (_closing || _inputEnded) && !HasUnsent;

    /// <summary>True when bytes are held: received and not consumed, or written and not sent.</summary>
    public bool HasBytesInFlight => _buffers is { } buffers && (!buffers.Input.IsEmpty || buffers.Output.HasPending);

    /// <summary>
    /// When the connection is to be closed for its <see cref="ConnectionTimeouts"/>, in
    /// <see cref="Environment.TickCount64"/> milliseconds; <see cref="long.MaxValue"/> when never.
    /// </summary>
    public long Deadline => _clock.Deadline;

    /// <summary>Why the connection would be closed at <see cref="Deadline"/> (<c>was idle</c>, <c>made no progress</c>), for a log.</summary>
    public string DeadlineReason => _clock.Reason;

    /// <summary>The bound <see cref="Deadline"/> comes from, for a log.</summary>
    public TimeSpan DeadlineBound => _clock.Bound;

    /// <summary>Time left before <see cref="Deadline"/>: null when no bound applies, zero or less once it passed.</summary>
    public TimeSpan? TimeLeft() => Deadline == long.MaxValue ? null : TimeSpan.FromMilliseconds(Deadline - Environment.TickCount64);

    /// <summary>Room to receive into, borrowed until the connection is idle again. Call only while <see cref="WantsToReceive"/>.</summary>
    public Memory<byte> GetReceiveBuffer()
    {
        ThrowUnless(WantsToReceive, "receive");
        _buffers ??= _pool.Rent();
        return _buffers.Input.GetReceiveSpace(MinimumReceive);
    }

    /// <summary>
    /// Records that <paramref name="count"/> bytes were received into <see cref="GetReceiveBuffer"/>, or the end of
    /// input when 0, and runs the session on everything unconsumed.
    /// </summary>
    public void Received(int count)
    {
        ThrowUnless(WantsToReceive, "receive");
        _buffers ??= _pool.Rent();
        if (count == 0)
        {
            _inputEnded = true;
        }
        else
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            _buffers.Input.Commit(count);
        }

        RunSession(activity: true);
    }

    /// <summary>The receive into <see cref="GetReceiveBuffer"/> found nothing after all (it would block): gives the buffer back if nothing else is held.</summary>
    public void CancelReceive() => ReturnBuffersIfIdle();

    /// <summary>
    /// Records that the first <paramref name="count"/> bytes of <see cref="Unsent"/> were sent. Once all are, a
    /// session that stopped at its output budget runs again.
    /// </summary>
    public void Sent(int count)
    {
        ThrowUnless(HasUnsent, "send");
        var output = _buffers!.Output;
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, output.PendingCount);
        output.Sent(count);
        if (!output.HasPending && _pendingMore)
        {
            RunSession(activity: true);
            return;
        }

        UpdateClock(activity: count > 0, progress: count > 0);
        ReturnBuffersIfIdle();
    }

    /// <summary>
    /// Gives back what the connection borrowed; call once it is closed. <paramref name="reusable"/> false when an
    /// operation that failed may still hold its buffers (an abandoned asynchronous send).
    /// </summary>
    public void Release(bool reusable = true)
    {
        if (_buffers is { } buffers)
        {
            _buffers = null;
            if (reusable)
            {
                _pool.Return(buffers);
            }
            else
            {
                _pool.Drop();
            }
        }
    }

    private void RunSession(bool activity)
    {
        var buffers = _buffers!;
        var input = buffers.Input;
        var progressed = false;
        while (true)
        {
            var data = input.Data;
            var written = buffers.Output.PendingCount;
            var status = _session.Process(ref data, _inputEnded, buffers.Output.Writer);
            var consumed = input.ConsumeTo(data) > 0;
            progressed |= consumed;
            _pendingMore = status == SessionStatus.OutputPending;
            _closing |= status == SessionStatus.Close;
            if (!_pendingMore || buffers.Output.HasPending)
            {
                break;
            }

            // Called again at once: it asked to be, and has nothing to send first.
            if (!consumed && buffers.Output.PendingCount == written)
            {
                throw new InvalidOperationException("The session returned OutputPending but wrote and consumed nothing; it would be called forever.");
            }
        }

        // Replies of this batch of input are ready here: the place where a commit step would hold them until the
        // store has made them durable, before any of them is sent.
        UpdateClock(activity, progressed);
        ReturnBuffersIfIdle();
    }

    private void UpdateClock(bool activity, bool progress)
    {
        if (_clock.IsTimed)
        {
            _clock.Update(Environment.TickCount64, activity, progress, inFlight: HasBytesInFlight || _pendingMore);
        }
    }

    private void ReturnBuffersIfIdle()
    {
        if (_buffers is { } buffers && buffers.Input.IsEmpty && !buffers.Output.HasPending)
        {
            _buffers = null;
            _pool.Return(buffers);
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
