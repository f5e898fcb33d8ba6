using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using SocketServer.Internal;

namespace SharedList.Bench.Load;

/// <summary>
/// One thread, one epoll instance, many non-blocking sockets: the loop of a C load generator. Level-triggered;
/// each readable socket gets one <c>recv</c> into the thread's one receive buffer (the reply scanners keep no
/// bytes, so the buffer is shared), each finished batch one <c>send</c> of the next. EPOLLOUT is asked for
/// only while a write is incomplete.
/// </summary>
internal sealed unsafe class EpollWorker
{
    private const int MaxEvents = 256;
    private const int WaitMilliseconds = 10;
    private const int ReceiveBufferBytes = 64 * 1024;

    private readonly LoadConnection[] _connections;
    private readonly State[] _states;
    private readonly EndPoint _endPoint;
    private readonly LoadOptions _options;
    private readonly LoadControl _control;
    private readonly Action _onSettled;
    private readonly byte[] _buffer = new byte[ReceiveBufferBytes];
    private int _epoll = -1;
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
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * Epoll.EventSize));
        try
        {
            _epoll = Epoll.Create();
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

                var count = Epoll.Wait(_epoll, events, MaxEvents, WaitMilliseconds);
                for (var e = 0; e < count; e++)
                {
                    Handle((int)Epoll.DataAt(events, e), Epoll.EventsAt(events, e));
                }
            }
        }
        finally
        {
            for (var i = 0; i < _connections.Length; i++)
            {
                _connections[i].Socket.Dispose();
            }

            if (_epoll >= 0)
            {
                Epoll.Close(_epoll);
            }

            NativeMemory.Free(events);
        }
    }

    private void Handle(int i, uint events)
    {
        switch (_states[i])
        {
            case State.Connecting:
                FinishConnect(i);
                return;
            case State.Closed:
                return;
        }

        if ((events & Epoll.Out) != 0 && _states[i] == State.Writing)
        {
            Write(i);
        }

        if ((events & (Epoll.In | Epoll.Error | Epoll.HangUp)) != 0 && _states[i] != State.Closed)
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
            Epoll.Add(_epoll, (int)socket.Handle, Epoll.Out, (ulong)i);
            return;
        }
        catch (SocketException)
        {
            _states[i] = State.Closed;
            _connections[i].Stats.ConnectFailures++;
            _onSettled();
            return;
        }

        Epoll.Add(_epoll, (int)socket.Handle, Epoll.In, (ulong)i);
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

        Epoll.Modify(_epoll, (int)socket.Handle, Epoll.In, (ulong)i);
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
                    Epoll.Modify(_epoll, (int)connection.Socket.Handle, Epoll.In | Epoll.Out, (ulong)i);
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
            Epoll.Modify(_epoll, (int)connection.Socket.Handle, Epoll.In, (ulong)i);
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
