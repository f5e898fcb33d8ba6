using System.Net.Sockets;
using SocketServer.Internal;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>One connection of a <see cref="SelectServer"/>: its non-blocking socket, input, unsent output and deadline.</summary>
/// <remarks>Used only from the select loop's thread.</remarks>
internal sealed class SelectClient(Socket socket, ISession session, ConnectionContext connection, ConnectionTimeouts timeouts)
{
    private readonly InputBuffer _input = new();
    private readonly OutputBuffer _output = new();
    private bool _inputCompleted;
    private bool _closeWhenFlushed;
    private bool _sessionHasMore;

    public Socket Socket { get; } = socket;

    public ConnectionContext Connection { get; } = connection;

    /// <summary>The connection's idle/stall deadline.</summary>
    public ProgressClock Clock { get; } = new(timeouts);

    /// <summary>
    /// True while replies wait to be sent or the session has more to write; the loop then waits for
    /// writability instead of reading, which is the back-pressure on a client that does not read.
    /// </summary>
    public bool WantsToWrite => _output.HasPending || _sessionHasMore;

    /// <summary>
    /// Reads what arrived and runs the session. Its replies are sent by <see cref="OnWritable"/>, which the loop
    /// calls once every ready client has been read, so replies to many clients go out together.
    /// </summary>
    public void OnReadable()
    {
        var space = _input.GetReceiveSpace();
        var received = Socket.Receive(space.Array!, space.Offset, space.Count, SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            return;
        }

        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }

        _input.Commit(received);
        _inputCompleted = received == 0;
        RunSession();
    }

    /// <summary>
    /// Sends as much pending output as the socket takes; once all is sent, lets the session write its next
    /// chunk (one per readiness event, so one long reply takes turns with other clients). Returns false to close.
    /// </summary>
    public bool OnWritable()
    {
        var progressed = false;
        while (_output.HasPending)
        {
            var sent = Socket.Send(_output.Pending, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                Clock.Update(inFlight: true, progressed);
                return true;
            }

            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }

            _output.Sent(sent);
            progressed = true;
        }

        Clock.Update(inFlight: !_input.IsEmpty || _sessionHasMore, progressed);
        if (_sessionHasMore)
        {
            RunSession();
            return true;
        }

        return !(_closeWhenFlushed || _inputCompleted);
    }

    private void RunSession()
    {
        var data = _input.Data;
        var status = session.Process(ref data, _inputCompleted, _output.Writer);
        var consumed = _input.ConsumeTo(data);
        _sessionHasMore = status == SessionStatus.OutputPending;
        _closeWhenFlushed |= status == SessionStatus.Close;
        Clock.Update(inFlight: !_input.IsEmpty || WantsToWrite, progressed: consumed > 0);
    }
}
