using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Diagnostics;
using SocketServer.Internal;

namespace SocketServer.EventDriven;

/// <summary>
/// A plain TCP connection of <see cref="AsyncServer"/>, straight on its socket: received bytes go into a pipe
/// the session parses in place, replies into another that is sent from in place.
/// </summary>
/// <remarks>
/// <para>Between messages the connection waits without lending the socket a buffer (on Linux for an edge of
/// our own epoll, <see cref="ReadinessWaiter"/>; elsewhere with a zero-byte receive) and gives its pipes back to
/// the pool: an idle connection holds neither buffers nor pipes, only its socket, session and loop.</para>
/// <para>Once the socket is known to be readable, bytes are received, and replies sent, with non-blocking
/// calls (on Linux straight on the descriptor); only a send the peer is not taking is awaited. So a request
/// costs the receive and the send, plus its share of the wait, and no asynchronous machinery when nothing
/// has to wait.</para>
/// </remarks>
internal sealed class SocketConnectionIo : AsyncConnectionIo
{
    // Room asked of the input pipe per receive; a fresh segment is 4 KB, the pipe's default.
    private const int MinimumReceive = 512;

    private readonly Socket _socket;
    private readonly PipePairPool _pool;
    private PipePair? _pipes;
    private long _unconsumed;

    // Worth a receive: the wait for bytes completed, or the last receive filled all the room it had.
    private bool _readable;

    private readonly ReadinessWaiter? _readiness;
    private readonly int _descriptor = -1;

    /// <param name="socket">The connection.</param>
    /// <param name="pool">Where pipes are borrowed while bytes are in flight.</param>
    /// <param name="readiness">Our own epoll registration to wait on (Linux), or null to wait with .NET's zero-byte receive.</param>
    public SocketConnectionIo(Socket socket, PipePairPool pool, ReadinessWaiter? readiness)
    {
        _socket = socket;
        _pool = pool;
        _readiness = readiness;

        // Receives and sends below must fail with WouldBlock instead of waiting on a thread-pool thread. With our
        // own epoll, they go straight to libc on the descriptor, as in the epoll model: nothing but this loop uses
        // the socket until it is released, and .NET's socket then keeps no state of its own for it.
        if (readiness is null)
        {
            socket.Blocking = false;
        }
        else
        {
            _descriptor = (int)socket.Handle;
            NonBlockingIo.MakeNonBlocking(_descriptor);
        }
    }

    public override IBufferWriter<byte> Output => Pipes.Output.Writer;

    public override long UnsentBytes => _pipes?.Output.Writer.UnflushedBytes ?? 0;

    private PipePair Pipes => _pipes ?? throw new InvalidOperationException("No read is in progress.");

    public override bool TryRead(out ReadResult result)
    {
        result = default;
        if (!_readable)
        {
            return false;
        }

        _pipes ??= _pool.Rent();
        var input = _pipes.Input.Writer;
        var room = input.GetMemory(MinimumReceive);
        var received = _readiness is null
            ? _socket.Receive(room.Span, SocketFlags.None, out var error)
            : NonBlockingIo.Receive(_descriptor, room.Span, out error);
        if (error == SocketError.WouldBlock)
        {
            _readable = false;
            return false;
        }

        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }

        // Having filled the room it had, the receive probably left more queued: read again before waiting. So
        // too once the peer half-closed: the end may be queued behind these bytes, and no edge would announce it.
        _readable = received == room.Length || _readiness is { InputEnding: true };
        if (received == 0)
        {
            input.Complete();
        }
        else
        {
            input.Advance(received);

            // The pipe has no writer threshold and this loop is its only reader, so the flush never waits.
            var flushed = input.FlushAsync();
            Debug.Assert(flushed.IsCompletedSuccessfully, "the input pipe paused its writer");
        }

        return _pipes.Input.Reader.TryRead(out result);
    }

    public override ValueTask<int> WaitAsync()
    {
        if (_unconsumed == 0 && _pipes is { } idle)
        {
            _pipes = null;
            _pool.Return(idle);
        }

        // Readable once this completes: with bytes, at the end of the input, or with an error the receive reports.
        _readable = true;
        return _readiness?.WaitAsync() ?? _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
    }

    public override void Consume(in ReadOnlySequence<byte> unconsumed)
    {
        Pipes.Input.Reader.AdvanceTo(unconsumed.Start, unconsumed.End);
        _unconsumed = unconsumed.Length;
    }

    public override ValueTask<bool> SendAsync()
    {
        var output = Pipes.Output;
        var flushed = output.Writer.FlushAsync();
        if (!flushed.IsCompletedSuccessfully || !output.Reader.TryRead(out var result))
        {
            throw new InvalidOperationException("The output pipe did not take the replies at once.");
        }

        var pending = result.Buffer;
        while (!pending.IsEmpty)
        {
            var sent = _readiness is null
                ? _socket.Send(pending.First.Span, SocketFlags.None, out var error)
                : NonBlockingIo.Send(_descriptor, pending.First.Span, out error);
            if (error == SocketError.WouldBlock)
            {
                return SendWhenWritableAsync(output.Reader, pending);
            }

            if (error != SocketError.Success)
            {
                output.Reader.AdvanceTo(pending.Start);
                throw new SocketException((int)error);
            }

            pending = pending.Slice(sent);
        }

        output.Reader.AdvanceTo(pending.End);
        return new ValueTask<bool>(true);
    }

    public override ValueTask CompleteAsync(bool clean)
    {
        _readiness?.Dispose();
        if (_pipes is { } pipes)
        {
            // After a failure a pipe may be mid-read; it is left to the collector rather than lent again.
            if (clean)
            {
                _pool.Return(pipes);
            }
            else
            {
                _pool.Drop();
            }
        }

        _pipes = null;
        return ValueTask.CompletedTask;
    }

    // A client that does not read: wait for the socket to take the rest, a segment at a time.
    private async ValueTask<bool> SendWhenWritableAsync(PipeReader output, ReadOnlySequence<byte> pending)
    {
        try
        {
            foreach (var segment in pending)
            {
                await _socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
            }

            output.AdvanceTo(pending.End);
            return true;
        }
        catch
        {
            output.AdvanceTo(pending.Start);
            throw;
        }
    }
}
