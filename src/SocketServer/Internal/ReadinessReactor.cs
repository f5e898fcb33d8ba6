using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using Microsoft.Extensions.Logging;
using SocketServer.Connections;
using SocketServer.Core;
using SocketServer.Selectors;

namespace SocketServer.Internal;

/// <summary>
/// Threads that wait in epoll for the sockets of <see cref="EventDriven.AsyncServer"/>'s connections to become
/// readable and resume, on that thread, the connection awaiting it. Linux only.
/// </summary>
/// <remarks>
/// <para>Why not .NET's own socket engine: every asynchronous receive first tries the socket, and for a
/// connection that sends one request and waits for the reply that try always fails: a system call per request on
/// top of the receive and the send. Here a connection awaits the next edge of a registration made once.</para>
/// <para>Continuations run inline on a reactor thread; a session never blocks. One reactor per processor the
/// process may use, as .NET has one socket engine per processor; connections are spread over them in turn.</para>
/// </remarks>
internal sealed class ReadinessReactors : IDisposable
{
    private readonly ReadinessReactor[] _reactors;
    private int _next;

    public ReadinessReactors(ILogger logger)
    {
        _reactors = new ReadinessReactor[Environment.ProcessorCount];
        for (var i = 0; i < _reactors.Length; i++)
        {
            _reactors[i] = new ReadinessReactor($"async-epoll-{i}", logger);
        }
    }

    /// <summary>Watches <paramref name="socket"/> until the returned waiter is disposed (before the socket is closed).</summary>
    public ReadinessWaiter Watch(Socket socket)
    {
        var reactor = _reactors[(int)((uint)Interlocked.Increment(ref _next) % (uint)_reactors.Length)];
        return reactor.Watch(socket);
    }

    public void Dispose()
    {
        foreach (var reactor in _reactors)
        {
            reactor.Dispose();
        }
    }
}

/// <summary>One edge-triggered <see cref="EpollSelector"/> and the thread waiting on it.</summary>
internal sealed class ReadinessReactor : IDisposable
{
    private const int MaxEvents = 256;
    private const ulong WakeUpToken = 0;
    private const SelectorEvents Interest = SelectorEvents.Read | SelectorEvents.PeerClosed | SelectorEvents.EdgeTriggered;

    private readonly EpollSelector _selector = new();
    private readonly WakeUpSocket _wakeUp = new();
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private readonly ReactorRoundCommits _round = new();

    // Guards the selector's lifetime and the slots below.
    private readonly Lock _lock = new();

    // The watched connections: changed under the lock, read by the reactor thread without it.
    private readonly SlotTable<ReadinessWaiter> _watched = new();
    private volatile bool _stopping;
    private bool _closed;

    public ReadinessReactor(string name, ILogger logger)
    {
        _logger = logger;
        _selector.Register(_wakeUp.Socket, SelectorEvents.Read, WakeUpToken);
        _thread = new Thread(Run) { Name = name, IsBackground = true };
        _thread.Start();
    }

    public ReadinessWaiter Watch(Socket socket)
    {
        ReadinessWaiter waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            waiter = new ReadinessWaiter(this, socket, _watched.Reserve());
            _watched.Fill(waiter.Token, waiter);
            try
            {
                _selector.Register(socket, Interest, waiter.Token);
            }
            catch
            {
                _watched.Remove(waiter.Token);
                throw;
            }
        }

        if (_stopping)
        {
            // Registered as the reactor stops: nothing will ever signal it.
            waiter.Fail(new ObjectDisposedException(nameof(ReadinessReactor)));
        }

        return waiter;
    }

    public void Forget(ReadinessWaiter waiter)
    {
        lock (_lock)
        {
            if (!_watched.Remove(waiter.Token))
            {
                return;
            }

            // Once closed, the epoll descriptor's number may belong to something else: never touch it again.
            if (!_closed)
            {
                _selector.Unregister(waiter.Socket);
            }
        }
    }

    /// <summary>
    /// Stops the reactor. From any other thread it waits for the reactor's thread to end; from that thread itself (a
    /// continuation it runs that disposes the server) it returns at once, and the thread closes the epoll instance as
    /// it ends.
    /// </summary>
    public void Dispose()
    {
        _stopping = true;
        _wakeUp.Wake();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
            Close();
        }
    }

    // Once, by whichever of Dispose and the ending reactor thread comes last.
    private void Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _selector.Dispose();
        }

        _wakeUp.Dispose();
    }

    private void Run()
    {
        var events = new SelectorEvent[MaxEvents];
        try
        {
            _round.Enter();
            while (!_stopping)
            {
                var count = _selector.Select(events, _round.HasWaiting ? TimeSpan.Zero : null);
                for (var i = 0; i < count; i++)
                {
                    var (token, ready) = events[i];
                    if (token == WakeUpToken)
                    {
                        _wakeUp.Drain();
                    }
                    else if (_watched.Find(token) is { } waiter)
                    {
                        waiter.Signal(ended: (ready & (SelectorEvents.PeerClosed | SelectorEvents.HangUp | SelectorEvents.Error)) != 0);
                    }
                }

                _round.CommitAndResume();
            }

            FailAll(new ObjectDisposedException(nameof(ReadinessReactor)));
        }
        catch (Exception e)
        {
            _logger.ReactorFailed(e);
            FailAll(e);
        }
        finally
        {
            if (_stopping)
            {
                Close();
            }
        }
    }

    // A connection still waiting here would wait forever: fail its wait, so its loop ends and releases it.
    private void FailAll(Exception reason)
    {
        for (var slot = 0; slot < _watched.Used; slot++)
        {
            _watched.At(slot)?.Fail(reason);
        }
    }
}

/// <summary>
/// One connection's readiness: <see cref="WaitAsync"/> completes on the first edge (bytes, the end of input
/// or an error) since the previous wait.
/// </summary>
/// <remarks>One waiting connection loop and the reactor thread; the state is swapped atomically between them.</remarks>
internal sealed class ReadinessWaiter : IValueTaskSource<int>, IDisposable
{
    private const int Quiet = 0;
    private const int EdgeSeen = 1;
    private const int Waiting = 2;

    private readonly ReadinessReactor _reactor;
    private ManualResetValueTaskSourceCore<int> _core;

    // Quiet at first even if bytes came before the registration: adding a descriptor to epoll checks it, and
    // one already readable gets its first edge from that check.
    private int _state = Quiet;
    private volatile bool _inputEnding;
    private volatile SocketException? _failure;

    public ReadinessWaiter(ReadinessReactor reactor, Socket socket, ulong token)
    {
        _reactor = reactor;
        Socket = socket;
        Token = token;
    }

    /// <summary>The registration's token: its slot in the reactor and its number.</summary>
    public ulong Token { get; }

    public Socket Socket { get; }

    /// <summary>True when an edge came and no wait has taken it yet.</summary>
    public bool EdgePending => Volatile.Read(ref _state) == EdgeSeen;

    /// <summary>Completes once the socket may be readable; at once if an edge came since the last wait.</summary>
    public ValueTask<int> WaitAsync()
    {
        if (_failure is { } failure)
        {
            return ValueTask.FromException<int>(failure);
        }

        if (Interlocked.CompareExchange(ref _state, Quiet, EdgeSeen) == EdgeSeen)
        {
            return new ValueTask<int>(0);
        }

        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Quiet) == Quiet)
        {
            // The reactor may have stopped just before this wait began; then no signal would ever end it.
            if (_failure is { } late && Interlocked.CompareExchange(ref _state, EdgeSeen, Waiting) == Waiting)
            {
                return ValueTask.FromException<int>(late);
            }

            return new ValueTask<int>(this, _core.Version);
        }

        // An edge came between the two exchanges.
        Volatile.Write(ref _state, Quiet);
        return new ValueTask<int>(0);
    }

    /// <summary>
    /// True once the peer half-closed or the connection failed. Such an edge may come with the last bytes, and no
    /// other edge follows it, so a receive that finds fewer bytes than it had room for must still try again.
    /// </summary>
    public bool InputEnding => _inputEnding;

    /// <summary>The reactor saw an edge: resume the waiting connection, inline, or remember it for the next wait.</summary>
    public void Signal(bool ended)
    {
        if (ended)
        {
            _inputEnding = true;
        }

        if (Interlocked.Exchange(ref _state, EdgeSeen) == Waiting)
        {
            Volatile.Write(ref _state, Quiet);
            _core.SetResult(0);
        }
    }

    /// <summary>The reactor stopped working: end the wait with its failure.</summary>
    public void Fail(Exception failure)
    {
        var aborted = new SocketException((int)SocketError.OperationAborted, failure.Message);
        _failure = aborted;
        if (Interlocked.Exchange(ref _state, EdgeSeen) == Waiting)
        {
            _core.SetException(aborted);
        }
    }

    /// <summary>Has <paramref name="continuation"/>(<paramref name="state"/>) run when the pending wait completes.</summary>
    public void OnCompleted(Action<object?> continuation, object state) =>
        _core.OnCompleted(continuation, state, _core.Version, ValueTaskSourceOnCompletedFlags.None);

    /// <summary>Stops watching the socket. Call before the socket is closed.</summary>
    public void Dispose() => _reactor.Forget(this);

    int IValueTaskSource<int>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
