using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Connections;
using SocketServer.Core;
using SocketServer.Internal;
using SocketServer.Selectors;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>
/// One thread, non-blocking sockets and a <see cref="Selector"/>: the lab's select loop, over
/// <see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>
/// (<see cref="SelectServer"/>) or Linux's epoll (<see cref="EpollServer"/>). Each round, every ready connection
/// that wants input gets one receive and its session; then every connection served gets one send of its replies,
/// as Redis sends before it sleeps, so a client process with many connections wakes once for many replies.
/// </summary>
/// <remarks>
/// <para>Back-pressure: a connection with replies unsent is watched for writability, not read from, so a client
/// that does not read holds up only itself; one long reply goes out a budget per round, taking turns with others.</para>
/// <para>Memory: a connection borrows buffers only while it has bytes in flight, so an idle one holds none.</para>
/// <para>Deadlines are checked by a sweep every 50 ms, as Redis's cron does.</para>
/// <para>No TLS: the loop does non-blocking socket I/O, and .NET offers TLS only as a stream whose reads block or
/// await (see <see cref="ServerModels.SupportsTls"/>).</para>
/// <para>Threading: every session runs on the loop's thread; <see cref="IServer.StopAsync"/> may be called from any
/// thread and reaches the loop through a wake-up socket, never by polling.</para>
/// </remarks>
public abstract class EventLoopServer : StreamServer
{
    /// <summary>How often connection deadlines are checked when any bound is set.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(50);

    private const int AcceptsPerRound = 64;
    private const int MaxEvents = 512;
    private const uint RingEntries = 1024;
    private const int EAgain = 11;
    private const ulong WakeUpToken = ulong.MaxValue;
    private const ulong ListenerToken = ulong.MaxValue - 1;

    private readonly Selector _selector;
    private readonly WakeUpSocket _wakeUp = new();
    private readonly ConnectionBuffersPool _buffers = new(MaxEvents, shared: false);
    private readonly RoundClock _round = new();
    private readonly ArrivalCoalescer _coalescer;
    private readonly string _threadName;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SlotTable<LoopConnection> _connections = new();
    private readonly List<LoopConnection> _served = [];

    // With io_uring (epoll only, see ServerOptions.UseIoUring): the round's receives, then its sends, in one call
    // each. _receiving and _pins hold what the ring is given until it completes; _results, each one's outcome.
    private readonly UringBatch? _uring;
    private readonly List<LoopConnection> _receiving = [];
    private readonly List<System.Buffers.MemoryHandle> _pins = [];
    private readonly int[] _results = [];

    // Connections whose session held replies for a commit again after sending (a long reply's next part): served
    // next round, which then does not wait.
    private readonly List<LoopConnection> _carried = [];
    private readonly bool _sweeps;
    private int _open;
    private volatile bool _stopRequested;
    private bool _listenerClosed;
    private bool _listenerWatched;
    private long _acceptPausedUntil;
    private long _nextSweep;
    private Thread? _thread;

    /// <summary>Binds and listens; call <see cref="IServer.Start"/> to begin serving.</summary>
    /// <param name="endPoint">Where to listen.</param>
    /// <param name="sessions">Creates each connection's session.</param>
    /// <param name="options">The server's settings; <see cref="ServerOptions.Tls"/> must be null.</param>
    /// <param name="logger">Where connection and error events go.</param>
    /// <param name="selector">What the loop waits with; the server owns and disposes it.</param>
    /// <param name="threadName">The loop thread's name.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for TLS.</exception>
    protected EventLoopServer(EndPoint endPoint, ISessionFactory sessions, ServerOptions? options, ILogger? logger, Selector selector, string threadName)
        : base(endPoint, sessions, RefuseTls(options, selector), logger)
    {
        _selector = selector;
        _threadName = threadName;
        _sweeps = Options.IdleTimeout > TimeSpan.Zero || Options.StallTimeout > TimeSpan.Zero;
        _coalescer = new ArrivalCoalescer(OperatingSystem.IsLinux() ? Options.CoalesceDelay : TimeSpan.Zero, _round.Now);
        try
        {
            ListenSocket.Blocking = false;
            if (selector is EpollSelector && Options.UseIoUring)
            {
                _uring = UringBatch.TryCreate(RingEntries, out var refusal);
                if (refusal is not null)
                {
                    Logger.IoUringRefused(threadName, refusal);
                }

                _results = new int[_uring?.Capacity ?? 0];
            }

            _selector.Register(_wakeUp.Socket, SelectorEvents.Read, WakeUpToken);
            _selector.Register(ListenSocket, SelectorEvents.Read, ListenerToken);
            _listenerWatched = true;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override void OnStart()
    {
        _thread = new Thread(RunLoop) { IsBackground = true, Name = _threadName };
        _thread.Start();
    }

    /// <inheritdoc />
    protected override void StopAccepting()
    {
        _stopRequested = true;
        _wakeUp.Wake();

        // Closed here rather than by the loop, so connections are refused once this returns. The loop then stops
        // watching it: a closed descriptor has left an epoll set already, and select is told before its next wait.
        ListenSocket.Dispose();
    }

    /// <inheritdoc />
    protected override Task WhenServingEndedAsync() => _thread is null ? Task.CompletedTask : _ended.Task;

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _thread is null)
        {
            ReleaseLoopResources();
        }
    }

    private static ServerOptions? RefuseTls(ServerOptions? options, Selector selector)
    {
        if (options?.Tls is null)
        {
            return options;
        }

        selector.Dispose();
        throw new ArgumentException(
            "An event loop cannot serve TLS: it does non-blocking socket I/O, and .NET offers TLS only as a stream whose reads block or await; use AsyncServer.",
            nameof(options));
    }

    private void RunLoop()
    {
        try
        {
            Run();
        }
        finally
        {
            ReleaseLoopResources();
            _ended.TrySetResult();
        }
    }

    private void ReleaseLoopResources()
    {
        _selector.Dispose();
        _wakeUp.Dispose();
        _uring?.Dispose();
    }

    private void Run()
    {
        var events = new SelectorEvent[MaxEvents];
        if (_coalescer.Enabled)
        {
            // Without it a pause of 50 µs would last up to 100.
            _ = ThreadPause.TrySetTimerSlack(ArrivalCoalescer.ShortestPause / 10);
        }

        try
        {
            while (true)
            {
                if (_stopRequested && !_listenerClosed)
                {
                    _listenerClosed = true;
                    _listenerWatched = false;
                    _selector.Unregister(ListenSocket);
                }

                if (_listenerClosed && _open == 0)
                {
                    return;
                }

                ResumeAcceptingIfDue();
                int count;
                try
                {
                    count = _selector.Select(events, WaitTime());
                    _round.Tick();
                }
                catch (ObjectDisposedException) when (_stopRequested)
                {
                    // The listener was closed by StopAccepting during the wait; the next round forgets it.
                    continue;
                }

                for (var i = 0; i < count; i++)
                {
                    switch (events[i].Token)
                    {
                        case WakeUpToken:
                            _wakeUp.Drain();
                            break;
                        case ListenerToken:
                            AcceptPending();
                            break;
                        case var token when _connections.Find(token) is { } connection:
                            if (_uring is not null)
                            {
                                QueueReceive(connection);
                            }
                            else
                            {
                                OnReady(connection);
                            }

                            break;
                    }
                }

                if (_uring is not null)
                {
                    ReceiveQueued();
                }

                foreach (var carried in _carried)
                {
                    MarkServed(carried);
                }

                _carried.Clear();
                CommitServed();
                var served = _served.Count;
                SendReplies();
                if (_coalescer.ShouldPause(_round.Now, served) && _carried.Count == 0 && !_stopRequested)
                {
                    Core.Counters.CountCoalescingPause(_coalescer.Pause);
                    ThreadPause.Sleep(_coalescer.Pause);
                }

                if (SweepDue())
                {
                    CloseExpired();
                }
            }
        }
        catch (Exception e)
        {
            Logger.LoopFailed(e, _threadName);
            for (var slot = 0; slot < _connections.Used; slot++)
            {
                if (_connections.At(slot) is { } connection)
                {
                    Close(connection);
                }
            }
        }
    }

    // A connection that wants input gets one receive and its session; every ready one waits in _served for the
    // end of the round, when its replies go out.
    private void OnReady(LoopConnection connection)
    {
        var driver = connection;
        try
        {
            if (driver.WantsToReceive)
            {
                var room = driver.GetReceiveBuffer().Span;
                var received = OperatingSystem.IsLinux()
                    ? NonBlockingIo.Receive(connection.Descriptor, room, out var error)
                    : connection.Socket.Receive(room, SocketFlags.None, out error);
                if (error == SocketError.WouldBlock)
                {
                    driver.CancelReceive();
                    return;
                }

                ThrowOnError(error);
                driver.Received(received);
            }

            MarkServed(connection);
        }
        catch (Exception e)
        {
            Logger.ConnectionError(connection.Context.RemoteEndPoint, e);
            Close(connection);
        }
    }

    // The ring's counterpart of OnReady: the receive is added to the round's batch, the session runs once it completes.
    private unsafe void QueueReceive(LoopConnection connection)
    {
        if (!connection.WantsToReceive)
        {
            MarkServed(connection);
            return;
        }

        var room = connection.GetReceiveBuffer();
        var pin = room.Pin();
        _pins.Add(pin);
        _uring!.AddReceive(connection.Descriptor, (byte*)pin.Pointer, room.Length, (ulong)_receiving.Count);
        _receiving.Add(connection);
        if (_receiving.Count == _results.Length)
        {
            ReceiveQueued();
        }
    }

    // The batch's receives in one call, then each connection's session, as OnReady does after its own receive.
    private void ReceiveQueued()
    {
        if (_receiving.Count == 0)
        {
            return;
        }

        _uring!.SubmitAndComplete(_results, static (results, token, result) => results[(int)token] = result);
        for (var i = 0; i < _receiving.Count; i++)
        {
            _pins[i].Dispose();
            var connection = _receiving[i];
            var result = _results[i];
            try
            {
                if (result == -EAgain)
                {
                    connection.CancelReceive();
                    continue;
                }

                if (result < 0)
                {
                    ThrowOnError(NonBlockingIo.ToSocketError(-result));
                }

                connection.Received(result);
                MarkServed(connection);
            }
            catch (Exception e)
            {
                Logger.ConnectionError(connection.Context.RemoteEndPoint, e);
                Close(connection);
            }
        }

        _pins.Clear();
        _receiving.Clear();
    }

    // Every served connection's unsent replies in one call; _results[i] is the outcome for _served[i], or
    // int.MinValue when it had nothing to send.
    private unsafe void SendQueued()
    {
        var queued = 0;
        for (var i = 0; i < _served.Count; i++)
        {
            var connection = _served[i];
            _results[i] = int.MinValue;
            if (connection.IsOpen && connection.HasUnsent)
            {
                var unsent = connection.Unsent;
                var pin = unsent.Pin();
                _pins.Add(pin);
                _uring!.AddSend(connection.Descriptor, (byte*)pin.Pointer, unsent.Length, (ulong)i);
                queued++;
            }
        }

        if (queued > 0)
        {
            _uring!.SubmitAndComplete(_results, static (results, token, result) => results[(int)token] = result);
        }

        foreach (var pin in _pins)
        {
            pin.Dispose();
        }

        _pins.Clear();
    }

    private void MarkServed(LoopConnection connection)
    {
        if (!connection.Served)
        {
            connection.Served = true;
            _served.Add(connection);
            _coalescer.CountServed(ref connection.CoalescerWindow);
        }
    }

    // The round's commit: everything read this round was processed; one commit (per committer, in practice one)
    // covers every connection's held replies before any of them is sent.
    private void CommitServed()
    {
        RoundCommit.CommitAll(_served);
        foreach (var connection in _served)
        {
            if (connection is { IsOpen: true, AwaitingCommit: true })
            {
                try
                {
                    // A connection of another committer may still wait: WaitForCommit commits it here.
                    connection.WaitForCommit();
                }
                catch (Exception e)
                {
                    Logger.ConnectionError(connection.Context.RemoteEndPoint, e);
                    Close(connection);
                }
            }
        }
    }

    // One send per connection served this round; then what it waits for next, or its close.
    private void SendReplies()
    {
        // A round that served more connections than the ring holds (carried ones beyond MaxEvents) sends one by one.
        var batched = _uring is not null && _served.Count <= _results.Length;
        if (batched)
        {
            SendQueued();
        }

        for (var index = 0; index < _served.Count; index++)
        {
            var connection = _served[index];
            connection.Served = false;
            if (!connection.IsOpen)
            {
                continue;
            }

            var driver = connection;
            try
            {
                if (batched && _results[index] != int.MinValue)
                {
                    var result = _results[index];
                    if (result != -EAgain)
                    {
                        ThrowOnError(result < 0 ? NonBlockingIo.ToSocketError(-result) : SocketError.Success);
                        driver.Sent(result);
                    }
                }
                else if (driver.HasUnsent)
                {
                    var unsent = driver.Unsent.Span;
                    var sent = OperatingSystem.IsLinux()
                        ? NonBlockingIo.Send(connection.Descriptor, unsent, out var error)
                        : connection.Socket.Send(unsent, SocketFlags.None, out error);
                    if (error != SocketError.WouldBlock)
                    {
                        ThrowOnError(error);
                        driver.Sent(sent);
                    }
                }

                if (driver.IsComplete)
                {
                    Close(connection);
                    continue;
                }

                if (driver.AwaitingCommit)
                {
                    _carried.Add(connection);
                    continue;
                }

                var interest = driver.HasUnsent ? SelectorEvents.Write : SelectorEvents.Read;
                if (interest != connection.Interest)
                {
                    _selector.Modify(connection.Socket, interest, connection.Token);
                    connection.Interest = interest;
                }
            }
            catch (Exception e)
            {
                Logger.ConnectionError(connection.Context.RemoteEndPoint, e);
                Close(connection);
            }
        }

        _served.Clear();
    }

    private void AcceptPending()
    {
        if (Core.AcceptQueued(ListenSocket, AcceptsPerRound, Watch) is { } failure)
        {
            Core.Backoff.Failed(failure);
            _acceptPausedUntil = Environment.TickCount64 + (long)AcceptBackoff.Pause.TotalMilliseconds;

            // Level-triggered: a listener left watched would wake the loop again at once, and again.
            _listenerWatched = false;
            _selector.Unregister(ListenSocket);
        }
    }

    private void ResumeAcceptingIfDue()
    {
        if (_listenerWatched || _listenerClosed || Environment.TickCount64 < _acceptPausedUntil)
        {
            return;
        }

        try
        {
            _selector.Register(ListenSocket, SelectorEvents.Read, ListenerToken);
            _listenerWatched = true;
        }
        catch (ObjectDisposedException) when (_stopRequested)
        {
            // Stopped during the pause: nothing to resume.
        }
    }

    private void Watch(Socket accepted, ConnectionContext context)
    {
        var token = _connections.Reserve();
        LoopConnection connection;
        try
        {
            connection = new LoopConnection(accepted, context, Sessions.CreateSession(context), Options.Timeouts, _buffers, _round, token, Core.Counters);
        }
        catch (Exception e)
        {
            _connections.Unreserve(token);
            Logger.ConnectionError(context.RemoteEndPoint, e);
            Core.Release(accepted, context.RemoteEndPoint);
            return;
        }

        _connections.Fill(token, connection);
        _open++;
        try
        {
            _selector.Register(accepted, SelectorEvents.Read, connection.Token);
        }
        catch (InvalidOperationException e)
        {
            // The kernel's limit on watched descriptors (fs.epoll.max_user_watches) or its memory ran out.
            Logger.CannotWatch(context.RemoteEndPoint, e.Message);
            Close(connection);
        }
    }

    // Until the next sweep or the end of an accept pause, whichever is first; forever when neither applies.
    private TimeSpan? WaitTime()
    {
        if (_carried.Count > 0)
        {
            return TimeSpan.Zero;
        }

        var until = _sweeps ? _nextSweep : long.MaxValue;
        if (!_listenerWatched && !_listenerClosed)
        {
            until = Math.Min(until, _acceptPausedUntil);
        }

        return until == long.MaxValue ? null : TimeSpan.FromMilliseconds(Math.Max(0, until - Environment.TickCount64));
    }

    private bool SweepDue()
    {
        var now = Environment.TickCount64;
        if (!_sweeps || now < _nextSweep)
        {
            return false;
        }

        _nextSweep = now + (long)SweepInterval.TotalMilliseconds;
        return true;
    }

    private void CloseExpired()
    {
        var now = Environment.TickCount64;
        for (var slot = 0; slot < _connections.Used; slot++)
        {
            if (_connections.At(slot) is not { } connection)
            {
                continue;
            }

            if (connection.Deadline <= now)
            {
                Core.LogTimedOut(connection.Context.RemoteEndPoint, connection);
                Close(connection);
            }
            else
            {
                Core.LogStallIfDue(connection.Context.RemoteEndPoint, connection, now);
            }
        }
    }

    private void Close(LoopConnection connection)
    {
        if (!connection.IsOpen)
        {
            return;
        }

        connection.IsOpen = false;
        _selector.Unregister(connection.Socket);
        _connections.Remove(connection.Token);
        _open--;
        connection.Release();
        Core.Release(connection.Socket, connection.Context.RemoteEndPoint);
    }

    private static void ThrowOnError(SocketError error)
    {
        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }
    }
}
