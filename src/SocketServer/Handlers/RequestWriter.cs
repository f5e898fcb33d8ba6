using System.Buffers;
using System.Text;

namespace SocketServer.Handlers;

/// <summary>
/// A writer of a request's reply: CPython's <c>wfile</c>. Text goes out as UTF-8 without a byte-order mark, and
/// <see cref="WriteLine"/> ends a line with <c>\n</c>, whatever the platform.
/// </summary>
/// <remarks>
/// <para>Unbuffered by default, as CPython's <c>wbufsize = 0</c>: each write is on its way to the client when it
/// returns, with no <see cref="Flush"/> needed. With a buffer size above 0, writes gather until the buffer is full
/// or <see cref="Flush"/> is called; the handlers flush in <c>Finish</c>.</para>
/// <para>Threading: one caller at a time, as the handler that owns it. The writer does not own the stream.</para>
/// </remarks>
public sealed class RequestWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Stream? _stream;
    private readonly IBufferWriter<byte>? _memory;
    private readonly byte[]? _buffer;
    private int _buffered;

    /// <summary>Creates a writer to <paramref name="stream"/>, which the caller keeps owning.</summary>
    /// <param name="stream">Where the bytes go.</param>
    /// <param name="bufferSize">Bytes gathered before a write to the stream (CPython's <c>wbufsize</c>); 0 writes each at once.</param>
    public RequestWriter(Stream stream, int bufferSize = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(bufferSize);
        _stream = stream;
        _buffer = bufferSize > 0 ? new byte[bufferSize] : null;
    }

    /// <summary>A writer to memory (a datagram's reply, sent whole by its handler).</summary>
    internal RequestWriter(IBufferWriter<byte> memory) => _memory = memory;

    /// <summary>Bytes gathered before a write to the stream; 0 when each write goes out at once.</summary>
    public int BufferSize => _buffer?.Length ?? 0;

    /// <summary>
    /// A bound on each asynchronous write, for the async model, where the socket's send timeout does not apply;
    /// null waits forever. A write that takes longer throws <see cref="TimeoutException"/>.
    /// </summary>
    internal TimeSpan? AsyncTimeout { get; init; }

    /// <summary>Writes <paramref name="bytes"/>.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_memory is not null)
        {
            _memory.Write(bytes);
            return;
        }

        if (_buffer is not null)
        {
            if (bytes.Length <= _buffer.Length - _buffered)
            {
                bytes.CopyTo(_buffer.AsSpan(_buffered));
                _buffered += bytes.Length;
                return;
            }

            FlushBuffer();
            if (bytes.Length < _buffer.Length)
            {
                bytes.CopyTo(_buffer);
                _buffered = bytes.Length;
                return;
            }
        }

        _stream!.Write(bytes);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8.</summary>
    public void Write(string text) => WriteText(text, newline: false);

    /// <summary>Writes <paramref name="text"/> as UTF-8, then <c>\n</c>, in one write.</summary>
    public void WriteLine(string text) => WriteText(text, newline: true);

    /// <summary>Sends what the buffer holds, then flushes the stream.</summary>
    public void Flush()
    {
        FlushBuffer();
        _stream?.Flush();
    }

    /// <inheritdoc cref="Write(ReadOnlySpan{byte})"/>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        if (_memory is not null)
        {
            _memory.Write(bytes.Span);
            return;
        }

        if (_buffer is not null)
        {
            if (bytes.Length <= _buffer.Length - _buffered)
            {
                bytes.Span.CopyTo(_buffer.AsSpan(_buffered));
                _buffered += bytes.Length;
                return;
            }

            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
            if (bytes.Length < _buffer.Length)
            {
                bytes.Span.CopyTo(_buffer);
                _buffered = bytes.Length;
                return;
            }
        }

        await WriteStreamAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="Write(string)"/>
    public ValueTask WriteAsync(string text, CancellationToken cancellationToken = default) => WriteTextAsync(text, newline: false, cancellationToken);

    /// <inheritdoc cref="WriteLine"/>
    public ValueTask WriteLineAsync(string text, CancellationToken cancellationToken = default) => WriteTextAsync(text, newline: true, cancellationToken);

    /// <inheritdoc cref="Flush"/>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        if (_stream is not null)
        {
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void WriteText(string text, bool newline)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encode(text, newline, out var length);
        try
        {
            Write(bytes.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private async ValueTask WriteTextAsync(string text, bool newline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encode(text, newline, out var length);
        try
        {
            await WriteAsync(bytes.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    // Rented: the caller returns it.
    private static byte[] Encode(string text, bool newline, out int length)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Utf8.GetByteCount(text) + 1);
        length = Utf8.GetBytes(text, bytes);
        if (newline)
        {
            bytes[length++] = (byte)'\n';
        }

        return bytes;
    }

    private void FlushBuffer()
    {
        if (_buffered > 0)
        {
            var count = _buffered;
            _buffered = 0;
            _stream!.Write(_buffer.AsSpan(0, count));
        }
    }

    private async ValueTask FlushBufferAsync(CancellationToken cancellationToken)
    {
        if (_buffered > 0)
        {
            var count = _buffered;
            _buffered = 0;
            await WriteStreamAsync(_buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask WriteStreamAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (AsyncTimeout is not { } timeout)
        {
            await _stream!.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _stream!.WriteAsync(bytes, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The client took no bytes within {timeout.TotalSeconds:0.###} s.");
        }
    }
}
