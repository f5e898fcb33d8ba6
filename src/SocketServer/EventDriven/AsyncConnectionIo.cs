using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using SocketServer.Internal;
using SocketServer.Tls;

namespace SocketServer.EventDriven;

/// <summary>
/// How <see cref="AsyncServer"/> moves one connection's bytes: what arrived, read as a <see cref="ReadResult"/>,
/// and where the session's replies wait until <see cref="SendAsync"/>. Plain TCP uses
/// <see cref="SocketConnectionIo"/>; TLS, <see cref="StreamConnectionIo"/> over the TLS stream.
/// </summary>
/// <remarks>Used by one connection's loop, never concurrently.</remarks>
internal abstract class AsyncConnectionIo
{
    // The resumption of a pending wait, made once per connection that waits other than on our own epoll.
    private Action? _resume;

    /// <summary>Where the session writes replies. Valid between a successful <see cref="TryRead"/> and <see cref="Consume"/>.</summary>
    public abstract IBufferWriter<byte> Output { get; }

    /// <summary>Replies written to <see cref="Output"/> and not yet sent.</summary>
    public abstract long UnsentBytes { get; }

    /// <summary>
    /// Every byte received and not consumed, when at least one new byte arrived or the input ended since the last
    /// read; false when nothing new is there yet (then <see cref="WaitAsync"/>).
    /// </summary>
    public abstract bool TryRead(out ReadResult result);

    /// <summary>Completes when <see cref="TryRead"/> may have something new.</summary>
    public abstract ValueTask<int> WaitAsync();

    /// <summary>
    /// Has <paramref name="resume"/>(<paramref name="state"/>) run when <paramref name="wait"/>, the pending wait
    /// <see cref="WaitAsync"/> just returned, completes. The same <paramref name="resume"/> and
    /// <paramref name="state"/> every time.
    /// </summary>
    /// <remarks>
    /// Why not the awaiter's <c>UnsafeOnCompleted</c>: it takes an <see cref="Action"/>, a delegate bound to its
    /// target that each idle connection would hold. On our own epoll the wait's source takes a static delegate
    /// and its state instead.
    /// </remarks>
    public virtual void ResumeWhenCompleted(
        in ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter wait,
        Action<object?> resume,
        object state) =>
        wait.UnsafeOnCompleted(_resume ??= () => resume(state));

    /// <summary>Keeps <paramref name="unconsumed"/> (the end of the last read's buffer) for the next read.</summary>
    public abstract void Consume(in ReadOnlySequence<byte> unconsumed);

    /// <summary>Sends what <see cref="Output"/> holds, waiting while the peer does not take it.</summary>
    /// <returns>False when the peer will take nothing more.</returns>
    public abstract ValueTask<bool> SendAsync();

    /// <summary>
    /// Ends the connection's I/O (not the socket). After a clean end (<paramref name="clean"/>) everything
    /// written was sent; otherwise what is left is dropped.
    /// </summary>
    public abstract ValueTask CompleteAsync(bool clean);
}

/// <summary>A connection served through a stream (TLS): a <see cref="PipeReader"/> and a <see cref="PipeWriter"/> over it.</summary>
internal sealed class StreamConnectionIo(Stream stream) : AsyncConnectionIo
{
    // Zero-byte reads: between messages the reader waits for bytes without holding a buffer.
    private readonly PipeReader _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true, useZeroByteReads: true));
    private readonly PipeWriter _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));

    public override IBufferWriter<byte> Output => _writer;

    public override long UnsentBytes => _writer.UnflushedBytes;

    private ReadResult? _next;

    public override bool TryRead(out ReadResult result)
    {
        result = _next.GetValueOrDefault();
        _next = null;
        return result.Buffer.Length > 0 || result.IsCompleted || result.IsCanceled;
    }

    public override async ValueTask<int> WaitAsync()
    {
        _next = await _reader.ReadAsync().ConfigureAwait(false);
        return 0;
    }

    public override void Consume(in ReadOnlySequence<byte> unconsumed) => _reader.AdvanceTo(unconsumed.Start, unconsumed.End);

    public override async ValueTask<bool> SendAsync() => !(await _writer.FlushAsync().ConfigureAwait(false)).IsCompleted;

    public override async ValueTask CompleteAsync(bool clean)
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        try
        {
            // Completing flushes what is left; the loop has aborted a connection that ended unclean, so this
            // cannot wait on a client that does not read.
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (SocketErrors.IsPeerGone(e))
        {
            // A peer that is gone cannot take the rest.
        }

        await ServerTls.CloseAsync(stream).ConfigureAwait(false);
    }
}
