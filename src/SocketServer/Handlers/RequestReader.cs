using System.Runtime.InteropServices;
using System.Text;

namespace SocketServer.Handlers;

/// <summary>
/// A buffered reader of a request's bytes: CPython's <c>rfile</c>. Reads lines, as text
/// (<see cref="ReadLine"/>) or as bytes with their <c>\n</c> (<see cref="ReadLineBytes"/>, Python's
/// <c>rfile.readline()</c>), or raw bytes (<see cref="Read(Span{byte})"/>), synchronously or asynchronously.
/// </summary>
/// <remarks>
/// <para>A line ends at <c>\n</c>. Its text is decoded as UTF-8, an invalid sequence becoming U+FFFD (the
/// replacement character), as <see cref="StreamReader"/> does; <see cref="ReadLineBytes"/> gives the bytes as
/// received. At the end of the input an unterminated last line is returned as it is.</para>
/// <para>A line longer than <see cref="MaxLineLength"/> throws <see cref="InvalidDataException"/> instead of
/// growing the buffer without bound; the request should then end.</para>
/// <para>Threading: one caller at a time, as the handler that owns it. The reader does not own the stream.</para>
/// </remarks>
public sealed class RequestReader
{
    /// <summary>The default read buffer, as CPython's <c>io.DEFAULT_BUFFER_SIZE</c>.</summary>
    public const int DefaultBufferSize = 8192;

    /// <summary>The default bound on a line's length: 64 KiB.</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    private readonly Stream? _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;

    // Bytes from _start already searched for '\n' without finding it, so a long line is not searched again per read.
    private int _searched;
    private bool _ended;

    /// <summary>Creates a reader of <paramref name="stream"/>, which the caller keeps owning.</summary>
    /// <param name="stream">The bytes to read.</param>
    /// <param name="bufferSize">Bytes asked of the stream per read (CPython's <c>rbufsize</c>); a longer line grows the buffer.</param>
    /// <param name="maxLineLength">The longest line accepted, in bytes, not counting its <c>\n</c>.</param>
    public RequestReader(Stream stream, int bufferSize = DefaultBufferSize, int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 1);
        _stream = stream;
        _buffer = new byte[bufferSize];
        MaxLineLength = maxLineLength;
    }

    /// <summary>A reader of bytes already received whole (a datagram): they are the buffer, and the end of input follows.</summary>
    internal RequestReader(ReadOnlyMemory<byte> received, int maxLineLength = DefaultMaxLineLength)
    {
        // The reader only reads it: the datagram's own array serves as the buffer, uncopied.
        if (MemoryMarshal.TryGetArray(received, out var segment))
        {
            _buffer = segment.Array!;
            _start = segment.Offset;
            _end = segment.Offset + segment.Count;
        }
        else
        {
            _buffer = received.ToArray();
            _end = _buffer.Length;
        }

        _ended = true;
        MaxLineLength = maxLineLength;
    }

    /// <summary>The longest line accepted, in bytes, not counting its <c>\n</c>.</summary>
    public int MaxLineLength { get; }

    /// <summary>
    /// A bound on each asynchronous read, for the async model, where the socket's receive timeout does not apply;
    /// null waits forever. A read that takes longer throws <see cref="TimeoutException"/>.
    /// </summary>
    internal TimeSpan? AsyncTimeout { get; init; }

    private int Buffered => _end - _start;

    /// <summary>Reads the next line and returns its text without the line end (<c>\n</c> or <c>\r\n</c>); null at the end of the input.</summary>
    /// <exception cref="InvalidDataException">The line is longer than <see cref="MaxLineLength"/>.</exception>
    public string? ReadLine()
    {
        while (true)
        {
            if (TryTakeLine(out var line))
            {
                return line.Length == 0 ? null : Decode(line);
            }

            Fill(_stream?.Read(RoomToFill()) ?? 0);
        }
    }

    /// <summary>
    /// Reads the next line and returns its bytes with the <c>\n</c> that ends it, as CPython's
    /// <c>rfile.readline()</c>; an empty array at the end of the input.
    /// </summary>
    /// <exception cref="InvalidDataException">The line is longer than <see cref="MaxLineLength"/>.</exception>
    public byte[] ReadLineBytes()
    {
        while (true)
        {
            if (TryTakeLine(out var line))
            {
                return line.ToArray();
            }

            Fill(_stream?.Read(RoomToFill()) ?? 0);
        }
    }

    /// <summary>
    /// Reads up to <paramref name="destination"/>'s length of bytes, what is buffered first; 0 at the end of the input
    /// (or for an empty destination). Returns as soon as some bytes are there, as a socket's receive does.
    /// </summary>
    public int Read(Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        if (Buffered == 0 && !_ended && _stream is not null && destination.Length >= _buffer.Length)
        {
            // Large reads skip the buffer, as a buffered reader in Python does.
            return EndedIfZero(_stream.Read(destination));
        }

        if (Buffered == 0 && !_ended)
        {
            Fill(_stream?.Read(RoomToFill()) ?? 0);
        }

        return TakeBuffered(destination);
    }

    /// <inheritdoc cref="ReadLine"/>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryTakeLine(out var line))
            {
                return line.Length == 0 ? null : Decode(line);
            }

            Fill(await ReadStreamAsync(RoomToFillMemory(), cancellationToken).ConfigureAwait(false));
        }
    }

    /// <inheritdoc cref="ReadLineBytes"/>
    public async ValueTask<byte[]> ReadLineBytesAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryTakeLine(out var line))
            {
                return line.ToArray();
            }

            Fill(await ReadStreamAsync(RoomToFillMemory(), cancellationToken).ConfigureAwait(false));
        }
    }

    /// <inheritdoc cref="Read"/>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        if (Buffered == 0 && !_ended && destination.Length >= _buffer.Length)
        {
            return EndedIfZero(await ReadStreamAsync(destination, cancellationToken).ConfigureAwait(false));
        }

        if (Buffered == 0 && !_ended)
        {
            Fill(await ReadStreamAsync(RoomToFillMemory(), cancellationToken).ConfigureAwait(false));
        }

        return TakeBuffered(destination.Span);
    }

    // True with the next line (its '\n' included), or with an empty span at the end of the input; false when more must be read.
    private bool TryTakeLine(out ReadOnlySpan<byte> line)
    {
        var unsearched = _buffer.AsSpan(_start + _searched, Buffered - _searched);
        var newline = unsearched.IndexOf((byte)'\n');
        if (newline >= 0)
        {
            var length = _searched + newline;
            ThrowIfTooLong(length);
            line = Take(length + 1);
            return true;
        }

        _searched = Buffered;
        ThrowIfTooLong(_searched);
        if (_ended)
        {
            line = Take(Buffered);
            return true;
        }

        line = default;
        return false;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        var taken = _buffer.AsSpan(_start, count);
        _start += count;
        _searched = 0;
        return taken;
    }

    private int TakeBuffered(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, Buffered);
        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        _searched = Math.Max(0, _searched - count);
        return count;
    }

    // The free space at the end of the buffer, after moving what is buffered to the front, or growing it for a long line.
    private Span<byte> RoomToFill() => RoomToFillMemory().Span;

    private Memory<byte> RoomToFillMemory()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, Buffered).CopyTo(_buffer);
            _end = Buffered;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // Room for the longest line and its '\n', and no more: the next byte decides whether the line is too long.
            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, Math.Max((long)MaxLineLength + 1, _buffer.Length + 1L)));
        }

        return _buffer.AsMemory(_end);
    }

    private void Fill(int received)
    {
        _end += EndedIfZero(received);
    }

    private int EndedIfZero(int received)
    {
        _ended |= received == 0;
        return received;
    }

    private async ValueTask<int> ReadStreamAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_ended || _stream is null)
        {
            return 0;
        }

        if (AsyncTimeout is not { } timeout)
        {
            return await _stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await _stream.ReadAsync(destination, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No bytes received within {timeout.TotalSeconds:0.###} s.");
        }
    }

    private void ThrowIfTooLong(int length)
    {
        if (length > MaxLineLength)
        {
            throw new InvalidDataException($"A line longer than {MaxLineLength} bytes was received (the reader's MaxLineLength).");
        }
    }

    private static string Decode(ReadOnlySpan<byte> line)
    {
        line = line.EndsWith("\r\n"u8) ? line[..^2] : line.EndsWith("\n"u8) ? line[..^1] : line;
        return Encoding.UTF8.GetString(line);
    }
}
