using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SharedList.Bench.Load;

/// <summary>
/// The closed loop of one connection on .NET's async sockets: send the batch, receive until it is answered,
/// repeat. One state machine: a completion callback and a synchronous completion both continue the same
/// <see cref="Run"/> loop, so a long run of synchronous completions never deepens the stack.
/// </summary>
internal sealed class AsyncLoop : IDisposable
{
    private const int ReceiveBufferBytes = 16 * 1024;

    private readonly SocketAsyncEventArgs _send = new();
    private readonly SocketAsyncEventArgs _receive = new();
    private readonly Action _onDone;
    private int _finished;

    public AsyncLoop(LoadConnection connection, Action onDone)
    {
        Connection = connection;
        _onDone = onDone;
        _send.Completed += (_, _) => Run(Step.Sent);
        _receive.Completed += (_, _) => Run(Step.Received);
        _receive.SetBuffer(new byte[ReceiveBufferBytes], 0, ReceiveBufferBytes);
    }

    private enum Step
    {
        Stop,
        NextBatch,
        Send,
        Sent,
        Receive,
        Received,
    }

    public LoadConnection Connection { get; }

    /// <summary>Starts the loop on a connected socket.</summary>
    public void Start() => Run(Step.NextBatch);

    /// <summary>Stops the loop: the batch in flight counts as unanswered and the socket is closed. Idempotent.</summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            Connection.Abandon();
            Connection.Socket.Dispose();
            _onDone();
        }
    }

    /// <summary>Releases the event args; only once the loop has finished (no operation in flight).</summary>
    public void Dispose()
    {
        _send.Dispose();
        _receive.Dispose();
    }

    private void Run(Step step)
    {
        while (step != Step.Stop && Volatile.Read(ref _finished) == 0)
        {
            step = step switch
            {
                Step.NextBatch => NextBatch(),
                Step.Send => Connection.Socket.SendAsync(_send) ? Step.Stop : Step.Sent,
                Step.Sent => Sent(),
                Step.Receive => Connection.Socket.ReceiveAsync(_receive) ? Step.Stop : Step.Received,
                Step.Received => Received(),
                _ => Step.Stop,
            };
        }
    }

    private Step NextBatch()
    {
        if (!Connection.ShouldSend)
        {
            return Finish(failed: false);
        }

        // The plan's buffer is never written once built: sending straight from it is safe.
        _send.SetBuffer(MemoryMarshal.AsMemory(Connection.BeginBatch()));
        return Step.Send;
    }

    private Step Sent()
    {
        if (_send.SocketError != SocketError.Success)
        {
            return Finish(failed: true);
        }

        Connection.PendingOffset += _send.BytesTransferred;
        var rest = Connection.Pending.Length - Connection.PendingOffset;
        if (rest == 0)
        {
            return Step.Receive;
        }

        _send.SetBuffer(_send.Offset + _send.BytesTransferred, rest);
        return Step.Send;
    }

    private Step Received()
    {
        if (_receive.SocketError != SocketError.Success || _receive.BytesTransferred == 0)
        {
            return Finish(failed: true);
        }

        try
        {
            return Connection.OnReceived(_receive.Buffer.AsSpan(0, _receive.BytesTransferred)) ? Step.NextBatch : Step.Receive;
        }
        catch (InvalidDataException)
        {
            return Finish(failed: true);
        }
    }

    private Step Finish(bool failed)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            if (failed)
            {
                Connection.Fail();
            }

            Connection.Socket.Dispose();
            _onDone();
        }

        return Step.Stop;
    }
}
