using System.Buffers;
using System.Net.Sockets;
using SocketServer.Internal;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>
/// One connection of an <see cref="EpollServer"/>. Between rounds it holds only what it must: the bytes of an
/// unfinished message and replies the socket did not take. Everything else goes through the loop's shared
/// <see cref="EpollBuffers"/>, so an idle connection costs its socket and session and no buffer at all.
/// </summary>
/// <remarks>Used only from the loop's thread.</remarks>
internal sealed class EpollClient(Socket socket, int slot, ISession session, ConnectionContext connection, ConnectionTimeouts timeouts)
{
    // Read once: the loop alone closes the socket, so the descriptor stays this connection's while it is served.
    private readonly int _fd = (int)socket.Handle;

    // An unfinished message up to this size is kept in a pooled array and received after in the loop's buffer,
    // leaving most of that buffer for new bytes; a longer one gets an InputBuffer of its own.
    private const int MaxPooledRemainder = 16 * 1024;

    private InputBuffer? _input;
    private byte[]? _remainder;
    private int _remainderLength;
    private OutputBuffer? _pending;
    private bool _inputCompleted;
    private bool _closeWhenFlushed;
    private bool _sessionHasMore;

    // Where this round's replies lie in the loop's reply buffer; -1 when there are none.
    private int _repliesStart = -1;
    private int _repliesEnd;

    public Socket Socket { get; } = socket;

    /// <summary>The socket's descriptor, for epoll.</summary>
    public int Descriptor => _fd;

    /// <summary>The connection's index in the loop's table, which is also its epoll data.</summary>
    public int Slot { get; } = slot;

    public ConnectionContext Connection { get; } = connection;

    /// <summary>The connection's idle/stall deadline.</summary>
    public ProgressClock Clock { get; } = new(timeouts);

    /// <summary>The events epoll watches for now; the loop changes them when <see cref="WantsToWrite"/> does.</summary>
    public uint Interest { get; set; } = Epoll.In;

    /// <summary>
    /// True while replies wait to be sent or the session has more to write; the loop then waits for
    /// writability instead of reading, which is the back-pressure on a client that does not read.
    /// </summary>
    public bool WantsToWrite => _pending is not null || _sessionHasMore;

    private bool HasUnconsumedInput => _input is not null || _remainder is not null;

    /// <summary>
    /// Reads what arrived and runs the session. Its replies stay in the loop's reply buffer until the loop calls
    /// <see cref="FlushReplies"/>, after every ready connection of this round has been served.
    /// </summary>
    public void OnReadable(EpollBuffers shared)
    {
        if (_input is not null)
        {
            // A long message in progress: it grows in a buffer of its own until the session consumes it.
            var space = _input.GetReceiveSpace();
            var received = Receive(space);
            if (received < 0)
            {
                return;
            }

            _input.Commit(received);
            _inputCompleted = received == 0;
            RunBufferedSession(shared.Output);
            return;
        }

        // The common case: receive into the loop's buffer, after the remainder of the last receive if any.
        var buffer = shared.Receive;
        var kept = _remainderLength;
        _remainder?.AsSpan(0, kept).CopyTo(buffer);
        var count = Receive(buffer.AsSpan(kept));
        if (count < 0)
        {
            return;
        }

        ReturnRemainder();
        _inputCompleted = count == 0;
        var data = new ReadOnlySequence<byte>(buffer, 0, kept + count);
        RunSession(ref data, shared.Output);
        KeepRemainder(data);
    }

    /// <summary>Gives back what the connection borrowed; called once it is closed.</summary>
    public void Release() => ReturnRemainder();

    /// <summary>
    /// Sends pending replies; once all are sent, lets the session write its next chunk (one per round, so one
    /// long reply takes turns with other clients), to be sent by <see cref="FlushReplies"/>.
    /// </summary>
    public void OnWritable(EpollBuffers shared)
    {
        if (_pending is not null)
        {
            var progressed = false;
            while (_pending.HasPending)
            {
                var sent = NonBlockingIo.Send(_fd, _pending.Pending, out var error);
                if (error == SocketError.WouldBlock)
                {
                    Clock.Update(inFlight: true, progressed);
                    return;
                }

                ThrowOnError(error);
                _pending.Sent(sent);
                progressed = true;
            }

            _pending = null;
            Clock.Update(inFlight: HasUnconsumedInput || _sessionHasMore, progressed);
        }

        if (_sessionHasMore)
        {
            if (_input is not null)
            {
                RunBufferedSession(shared.Output);
            }
            else if (_remainder is { } remainder)
            {
                // The session still has messages to answer in the remainder: run it there, keep what it leaves.
                var data = new ReadOnlySequence<byte>(remainder, 0, _remainderLength);
                _remainder = null;
                _remainderLength = 0;
                RunSession(ref data, shared.Output);
                KeepRemainder(data);
                ArrayPool<byte>.Shared.Return(remainder);
            }
            else
            {
                var nothing = ReadOnlySequence<byte>.Empty;
                RunSession(ref nothing, shared.Output);
            }
        }
    }

    /// <summary>
    /// Sends, in one call, the replies this connection's session wrote into the loop's reply buffer this round,
    /// and keeps what the socket would not take. Returns false when the connection is done and should close.
    /// </summary>
    public bool FlushReplies(EpollBuffers shared)
    {
        var progressed = false;
        if (_repliesStart >= 0)
        {
            var replies = shared.Output.WrittenSpan[_repliesStart.._repliesEnd];
            _repliesStart = -1;
            var sent = 0;
            if (_pending is null)
            {
                sent = NonBlockingIo.Send(_fd, replies, out var error);
                if (error == SocketError.WouldBlock)
                {
                    sent = 0;
                }
                else
                {
                    ThrowOnError(error);
                }
            }

            if (sent < replies.Length)
            {
                _pending ??= new OutputBuffer();
                _pending.Writer.Write(replies[sent..]);
            }

            progressed = sent > 0;
        }

        Clock.Update(inFlight: HasUnconsumedInput || WantsToWrite, progressed);
        return WantsToWrite || !(_closeWhenFlushed || _inputCompleted);
    }

    private static void ThrowOnError(SocketError error)
    {
        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }
    }

    // The byte count, 0 at end of input, or -1 when nothing is there after all (a spurious wake-up).
    private int Receive(Span<byte> space)
    {
        var received = NonBlockingIo.Receive(_fd, space, out var error);
        if (error == SocketError.WouldBlock)
        {
            return -1;
        }

        ThrowOnError(error);
        return received;
    }

    // Keeps the bytes the session left (an unfinished message): a small remainder in a pooled array, so the
    // steady state allocates nothing; a long one in an InputBuffer of its own that grows with it.
    private void KeepRemainder(in ReadOnlySequence<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (data.Length > MaxPooledRemainder)
        {
            _input = new InputBuffer();
            _input.Append(data);
            return;
        }

        _remainderLength = (int)data.Length;
        _remainder = ArrayPool<byte>.Shared.Rent(_remainderLength);
        data.CopyTo(_remainder);
    }

    private void ReturnRemainder()
    {
        if (_remainder is not null)
        {
            ArrayPool<byte>.Shared.Return(_remainder);
            _remainder = null;
            _remainderLength = 0;
        }
    }

    private void RunBufferedSession(ArrayBufferWriter<byte> output)
    {
        var data = _input!.Data;
        RunSession(ref data, output);
        _input.ConsumeTo(data);
        if (_input.IsEmpty)
        {
            _input = null;
        }
    }

    private void RunSession(ref ReadOnlySequence<byte> data, ArrayBufferWriter<byte> output)
    {
        var received = data.Length;
        var before = output.WrittenCount;
        var status = session.Process(ref data, _inputCompleted, output);
        _sessionHasMore = status == SessionStatus.OutputPending;
        _closeWhenFlushed |= status == SessionStatus.Close;
        if (output.WrittenCount > before)
        {
            // One run per round, so this connection's replies are one contiguous run of the shared buffer.
            _repliesStart = before;
            _repliesEnd = output.WrittenCount;
        }

        // Bytes received are not progress until a message is complete: a client trickling one line forever stalls.
        if (data.Length < received)
        {
            Clock.Update(inFlight: true, progressed: true);
        }
    }
}
