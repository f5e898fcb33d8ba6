using System.Buffers;
using System.Net.Sockets;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>One connection of a <see cref="SelectServer"/>: its non-blocking socket, input and unsent output.</summary>
/// <remarks>Used only from the select loop's thread.</remarks>
internal sealed class SelectClient(Socket socket, ISession session, ConnectionContext connection)
{
    private const int InitialBufferSize = 4096;
    private const int RetainedReplyCapacity = 64 * 1024;

    private byte[] _input = new byte[InitialBufferSize];
    private int _inputStart;
    private int _inputEnd;
    private ArrayBufferWriter<byte> _output = new();
    private int _outputSent;
    private bool _inputCompleted;
    private bool _closeWhenFlushed;

    public Socket Socket { get; } = socket;

    public ConnectionContext Connection { get; } = connection;

    /// <summary>True while replies wait to be sent; the loop then waits for writability instead of reading.</summary>
    public bool WantsToWrite => _outputSent < _output.WrittenCount;

    /// <summary>Reads what arrived, runs the session, sends what it can. Returns false to close.</summary>
    public bool OnReadable()
    {
        MakeRoomForInput();
        var received = Socket.Receive(_input, _inputEnd, _input.Length - _inputEnd, SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            return true;
        }

        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }

        _inputEnd += received;
        _inputCompleted = received == 0;

        var input = new ReadOnlySequence<byte>(_input, _inputStart, _inputEnd - _inputStart);
        var before = input.Length;
        if (session.Process(ref input, _inputCompleted, _output) == SessionStatus.Close)
        {
            _closeWhenFlushed = true;
        }

        _inputStart += (int)(before - input.Length);
        if (_inputStart == _inputEnd)
        {
            _inputStart = _inputEnd = 0;
        }

        return OnWritable();
    }

    /// <summary>Sends as much pending output as the socket takes. Returns false to close.</summary>
    public bool OnWritable()
    {
        while (WantsToWrite)
        {
            var sent = Socket.Send(_output.WrittenSpan[_outputSent..], SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return true;
            }

            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }

            _outputSent += sent;
        }

        if (_output.Capacity > RetainedReplyCapacity)
        {
            _output = new ArrayBufferWriter<byte>();
        }
        else
        {
            _output.ResetWrittenCount();
        }

        _outputSent = 0;
        return !(_closeWhenFlushed || _inputCompleted);
    }

    private void MakeRoomForInput()
    {
        if (_inputEnd < _input.Length)
        {
            return;
        }

        if (_inputStart > 0)
        {
            Buffer.BlockCopy(_input, _inputStart, _input, 0, _inputEnd - _inputStart);
            _inputEnd -= _inputStart;
            _inputStart = 0;
        }
        else
        {
            // One message longer than the buffer: grow. The session bounds message size and closes past it.
            Array.Resize(ref _input, _input.Length * 2);
        }
    }
}
