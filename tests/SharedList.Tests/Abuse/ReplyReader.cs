using System.Net.Sockets;
using System.Text;

namespace SharedList.Tests.Abuse;

/// <summary>
/// Reads <c>\n</c>-terminated replies of any length (a <c>LIST</c> of a large list is megabytes on one
/// line) from a socket, with a timeout on each reply.
/// </summary>
/// <remarks>Used by one task at a time.</remarks>
internal sealed class ReplyReader(Socket socket)
{
    // A LIST of a few hundred thousand short items is a few MB; far beyond that something is wrong.
    private const int MaxLineBytes = 256 << 20;

    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private int _scanned;

    /// <summary>Every byte received so far.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>True when bytes of an unfinished line have been received.</summary>
    public bool HasPartialLine => _end > _start;

    /// <summary>
    /// The next reply without its <c>\n</c>, or null when the server closed the connection (FIN) first.
    /// Throws <see cref="TimeoutException"/> when no whole reply comes within <paramref name="timeout"/>, and
    /// <see cref="SocketException"/> when the connection is reset.
    /// </summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _scanned, _end - _scanned);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start);
                _start = _scanned = newline + 1;
                return line;
            }

            _scanned = _end;
            MakeRoom();
            int received;
            try
            {
                received = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"no complete reply within {timeout.TotalSeconds} s ({_end - _start} bytes of one received)");
            }

            if (received == 0)
            {
                return null;
            }

            _end += received;
            BytesReceived += received;
        }
    }

    /// <summary>
    /// Reads until the server closes the connection, discarding what comes. True when it closed (FIN or reset)
    /// within <paramref name="timeout"/>, false when it was still open then.
    /// </summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        _start = _end = _scanned = 0;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, deadline.Token);
                if (received == 0)
                {
                    return true;
                }

                BytesReceived += received;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return true;
        }
    }

    private void MakeRoom()
    {
        if (_end < _buffer.Length)
        {
            return;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
            {
                throw new InvalidOperationException($"a reply longer than {MaxLineBytes} bytes");
            }

            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }
}
