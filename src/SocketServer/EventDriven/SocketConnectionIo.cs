using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using SocketServer.Internal;

namespace SocketServer.EventDriven;

/// <summary>
/// A plain TCP connection of <see cref="AsyncServer"/>, straight on its socket: received bytes go into an input
/// buffer the session parses in place, replies into an output buffer that is sent from in place.
/// </summary>
/// <remarks>
/// <para>Between messages the connection waits without lending the socket a buffer (on Linux for an edge of
/// our own epoll, <see cref="ReadinessWaiter"/>; elsewhere with a zero-byte receive) and gives its buffers back
/// to the pool: an idle connection holds neither, only its socket, session and loop.</para>
/// <para>Once the socket is known to be readable, bytes are received, and replies sent, with non-blocking
/// calls (on Linux straight on the descriptor); only a send the peer is not taking is awaited. So a request
/// costs the receive and the send, plus its share of the wait, and no asynchronous machinery when nothing
/// has to wait.</para>
/// </remarks>
internal sealed class SocketConnectionIo : AsyncConnectionIo
{
    // Room asked of the input buffer per receive (it is 4 KB at first).
    private const int MinimumReceive = 512;

    private readonly Socket _socket;
    private readonly ConnectionBuffersPool _pool;
    private ConnectionBuffers? _buffers;
    private bool _inputEnded;

    // Worth a receive: the wait for bytes completed, or the last receive filled all the room it had.
    private bool _readable;

    private readonly ReadinessWaiter? _readiness;
    private readonly int _descriptor = -1;

    /// <param name="socket">The connection.</param>
    /// <param name="pool">Where buffers are borrowed while bytes are in flight.</param>
    /// <param name="readiness">Our own epoll registration to wait on (Linux), or null to wait with .NET's zero-byte receive.</param>
    public SocketConnectionIo(Socket socket, ConnectionBuffersPool pool, ReadinessWaiter? readiness)
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

    public override IBufferWriter<byte> Output => Buffers.Output.Writer;

    public override long UnsentBytes => _buffers?.Output.PendingCount ?? 0;

    private ConnectionBuffers Buffers => _buffers ?? throw new InvalidOperationException("No read is in progress.");

    public override bool TryRead(out ReadResult result)
    {
        result = default;
        if (!_readable)
        {
            return false;
        }

        _buffers ??= _pool.Rent();
        var input = _buffers.Input;
        var room = input.GetReceiveSpace(MinimumReceive);
        var received = _readiness is null
            ? _socket.Receive(room.AsSpan(), SocketFlags.None, out var error)
            : NonBlockingIo.Receive(_descriptor, room.AsSpan(), out error);
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
        _readable = received == room.Count || _readiness is { InputEnding: true };
        if (received == 0)
        {
            _inputEnded = true;
        }
        else
        {
            input.Commit(received);
        }

        result = new ReadResult(input.Data, isCanceled: false, isCompleted: _inputEnded);
        return true;
    }

    public override ValueTask<int> WaitAsync()
    {
        if (_buffers is { } idle && idle.Input.IsEmpty && !idle.Output.HasPending)
        {
            _buffers = null;
            _pool.Return(idle);
        }

        // Readable once this completes: with bytes, at the end of the input, or with an error the receive reports.
        _readable = true;
        return _readiness?.WaitAsync() ?? _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
    }

    public override void ResumeWhenCompleted(
        in ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter wait,
        Action<object?> resume,
        object state)
    {
        if (_readiness is null)
        {
            base.ResumeWhenCompleted(wait, resume, state);
        }
        else
        {
            // A pending wait on our own epoll is the waiter's current one.
            _readiness.OnCompleted(resume, state);
        }
    }

    public override void Consume(in ReadOnlySequence<byte> unconsumed) => Buffers.Input.ConsumeTo(unconsumed);

    public override ValueTask<bool> SendAsync()
    {
        var output = Buffers.Output;
        while (output.HasPending)
        {
            var sent = _readiness is null
                ? _socket.Send(output.Pending, SocketFlags.None, out var error)
                : NonBlockingIo.Send(_descriptor, output.Pending, out error);
            if (error == SocketError.WouldBlock)
            {
                return SendWhenWritableAsync(output);
            }

            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }

            output.Sent(sent);
        }

        return new ValueTask<bool>(true);
    }

    public override ValueTask CompleteAsync(bool clean)
    {
        _readiness?.Dispose();
        if (_buffers is { } buffers)
        {
            // After a failure a send may still hold the output; it is left to the collector rather than lent again.
            if (clean)
            {
                _pool.Return(buffers);
            }
            else
            {
                _pool.Drop();
            }
        }

        _buffers = null;
        return ValueTask.CompletedTask;
    }

    // A client that does not read: wait for the socket to take the rest.
    private async ValueTask<bool> SendWhenWritableAsync(OutputBuffer output)
    {
        while (output.HasPending)
        {
            output.Sent(await _socket.SendAsync(output.PendingMemory, SocketFlags.None).ConfigureAwait(false));
        }

        return true;
    }
}
