using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SocketServer.Selectors;

namespace SharedList.Bench.Load;

/// <summary>
/// One thread, one epoll instance, many non-blocking sockets: the loop of a C load generator. Level-triggered;
/// each readable socket gets one <c>recv</c> into the thread's one receive buffer (the reply scanners keep no
/// bytes, so the buffer is shared), each finished batch one <c>send</c> of the next. EPOLLOUT is asked for
/// only while a write is incomplete.
/// </summary>
internal sealed class EpollWorker : IDisposable
{
    private const int MaxEvents = 256;
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(10);
    private const int ReceiveBufferBytes = 64 * 1024;

    private readonly LoadConnection[] _connections;
    private readonly State[] _states;
    private readonly EndPoint _endPoint;
    private readonly LoadOptions _options;
    private readonly LoadControl _control;
    private readonly Action _onSettled;
    private readonly byte[] _buffer = new byte[ReceiveBufferBytes];
    private readonly EpollSelector _epoll = new();
    private int _connecting;

    public EpollWorker(LoadConnection[] connections, LoadOptions options, LoadControl control, Action onSettled)
    {
        _connections = connections;
        _states = new State[connections.Length];
        _endPoint = options.EndPoint;
        _options = options;
        _control = control;
        _onSettled = onSettled;
    }

    private enum State
    {
        Connecting,
        Open,
        Writing,
        Closed,
    }

    /// <summary>Runs until the run is done and drained; closes every socket it owns.</summary>
    public void Run()
    {
        var events = new SelectorEvent[MaxEvents];
        try
        {
            for (var i = 0; i < _connections.Length; i++)
            {
                StartConnect(i);
            }

            var connectDeadline = Stopwatch.GetTimestamp() + (long)(_options.ConnectTimeout.TotalSeconds * Stopwatch.Frequency);
            var drainDeadline = long.MaxValue;
            while (true)
            {
                var now = Stopwatch.GetTimestamp();
                if (_connecting > 0 && now >= connectDeadline)
                {
                    GiveUpConnecting();
                }

                if (_control.Phase == LoadPhase.Done)
                {
                    if (drainDeadline == long.MaxValue)
                    {
                        drainDeadline = now + (long)(_options.DrainTimeout.TotalSeconds * Stopwatch.Frequency);
                    }

                    if (_connecting > 0)
                    {
                        // Never got through (a server that does not accept): nothing to drain there.
                        GiveUpConnecting();
                    }

                    if (!AnyInFlight())
                    {
                        break;
                    }

                    if (now >= drainDeadline)
                    {
                        foreach (var connection in _connections)
                        {
                            connection.Abandon();
                        }

                        break;
                    }
                }

                var count = _epoll.Select(events, Wait);
                for (var e = 0; e < count; e++)
                {
                    Handle((int)events[e].Token, events[e].Events);
                }
            }
        }
        finally
        {
            for (var i = 0; i < _connections.Length; i++)
            {
                _connections[i].Socket.Dispose();
            }

            Dispose();
        }
    }

    /// <summary>Releases the worker's epoll instance; <see cref="Run"/> does when it ends.</summary>
    public void Dispose() => _epoll.Dispose();

    private void Handle(int i, SelectorEvents events)
    {
        switch (_states[i])
        {
            case State.Connecting:
                FinishConnect(i);
                return;
            case State.Closed:
                return;
        }

        if ((events & SelectorEvents.Write) != 0 && _states[i] == State.Writing)
        {
            Write(i);
        }

        if ((events & (SelectorEvents.Read | SelectorEvents.Error | SelectorEvents.HangUp)) != 0 && _states[i] != State.Closed)
        {
            Receive(i);
        }
    }

    private void StartConnect(int i)
    {
        var socket = _connections[i].Socket;
        socket.NoDelay = true;
        socket.Blocking = false;
        try
        {
            socket.Connect(_endPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // A non-blocking connect in progress: epoll says when it is done (writable).
            _states[i] = State.Connecting;
            _connecting++;
            _epoll.Register(socket, SelectorEvents.Write, (ulong)i);
            return;
        }
        catch (SocketException)
        {
            _states[i] = State.Closed;
            _connections[i].Stats.ConnectFailures++;
            _onSettled();
            return;
        }

        _epoll.Register(socket, SelectorEvents.Read, (ulong)i);
        Opened(i);
    }

    private void FinishConnect(int i)
    {
        _connecting--;
        var socket = _connections[i].Socket;
        if ((int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)! != 0)
        {
            _connections[i].Stats.ConnectFailures++;
            Close(i);
            _onSettled();
            return;
        }

        _epoll.Modify(socket, SelectorEvents.Read, (ulong)i);
        Opened(i);
    }

    private void Opened(int i)
    {
        _states[i] = State.Open;
        _onSettled();
        if (_connections[i].ShouldSend)
        {
            _connections[i].BeginBatch();
            Write(i);
        }
    }

    private void GiveUpConnecting()
    {
        for (var i = 0; i < _states.Length; i++)
        {
            if (_states[i] == State.Connecting)
            {
                _connecting--;
                _connections[i].Stats.ConnectFailures++;
                Close(i);
                _onSettled();
            }
        }
    }

    private void Write(int i)
    {
        var connection = _connections[i];
        var pending = connection.Pending.Span[connection.PendingOffset..];
        while (!pending.IsEmpty)
        {
            var sent = connection.Socket.Send(pending, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                if (_states[i] != State.Writing)
                {
                    _states[i] = State.Writing;
                    _epoll.Modify(connection.Socket, SelectorEvents.Read | SelectorEvents.Write, (ulong)i);
                }

                return;
            }

            if (error != SocketError.Success)
            {
                connection.Fail();
                Close(i);
                return;
            }

            connection.PendingOffset += sent;
            pending = pending[sent..];
        }

        if (_states[i] == State.Writing)
        {
            _states[i] = State.Open;
            _epoll.Modify(connection.Socket, SelectorEvents.Read, (ulong)i);
        }
    }

    private void Receive(int i)
    {
        var connection = _connections[i];
        while (true)
        {
            var received = connection.Socket.Receive(_buffer, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return;
            }

            if (error != SocketError.Success || received == 0)
            {
                connection.Fail();
                Close(i);
                return;
            }

            bool batchDone;
            try
            {
                batchDone = connection.OnReceived(_buffer.AsSpan(0, received));
            }
            catch (InvalidDataException)
            {
                connection.Fail();
                Close(i);
                return;
            }

            if (batchDone && connection.ShouldSend)
            {
                connection.BeginBatch();
                Write(i);
                if (_states[i] == State.Closed)
                {
                    return;
                }
            }

            if (received < _buffer.Length)
            {
                // Most likely all there was: let epoll say when more comes rather than pay a recv for EAGAIN.
                return;
            }
        }
    }

    private bool AnyInFlight()
    {
        for (var i = 0; i < _connections.Length; i++)
        {
            if (_states[i] != State.Closed && _connections[i].InFlight)
            {
                return true;
            }
        }

        return false;
    }

    private void Close(int i)
    {
        _states[i] = State.Closed;

        // Closing the descriptor removes it from the epoll set (no duplicate of it exists).
        _connections[i].Socket.Dispose();
    }
}
