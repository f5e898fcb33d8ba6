using System.Net;
using Microsoft.Extensions.Logging;
using SocketServer.Internal;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>
/// What the single-threaded loops (<see cref="SelectServer"/>, <see cref="EpollServer"/>) share: the loop's
/// thread, the wake-up socket through which a stop reaches it, the non-blocking listener with its accept
/// backoff, and the deadline sweep. Subclasses write only the loop.
/// </summary>
/// <remarks>
/// Connection deadlines are checked by a sweep every <see cref="SweepInterval"/> (as Redis's cron does), so a
/// deadline is met within that much; a pass over every client on every iteration cost more than the requests
/// did at 500 clients.
/// </remarks>
public abstract class LoopServer : StreamServer
{
    /// <summary>How often connection deadlines are checked when any bound is set.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(50);

    private readonly string _threadName;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopAccepting;
    private Thread? _thread;
    private long _nextSweep;

    private protected LoopServer(EndPoint endPoint, ISessionFactory sessions, ServerOptions? options, ILogger? logger, string threadName)
        : base(endPoint, sessions, options, logger)
    {
        _threadName = threadName;
        AcceptBackoff = new AcceptBackoff(Logger);
        Sweeps = Options.Timeouts.Idle > TimeSpan.Zero || Options.Timeouts.Stall > TimeSpan.Zero;
        ListenSocket.Blocking = false;
    }

    /// <summary>What the loop watches so another thread can wake it at once.</summary>
    private protected WakeUpSocket WakeUp { get; } = new();

    private protected AcceptBackoff AcceptBackoff { get; }

    /// <summary>True when a connection bound is set, so deadlines must be swept.</summary>
    private protected bool Sweeps { get; }

    /// <summary>When the next sweep is due (<see cref="Environment.TickCount64"/>).</summary>
    private protected long NextSweep => _nextSweep;

    /// <summary>True once <see cref="StopAccepting"/> ran: the listener is closed or closing.</summary>
    private protected bool StopRequested => _stopAccepting;

    /// <inheritdoc />
    protected override void OnStart()
    {
        _thread = new Thread(RunLoop) { IsBackground = true, Name = _threadName };
        _thread.Start();
    }

    /// <inheritdoc />
    protected override void StopAccepting()
    {
        _stopAccepting = true;
        WakeUp.Wake();

        // Closed here, not by the loop, so connections are refused once StopAsync returns rather than one loop
        // iteration later. Closing a socket the loop waits on is safe: select is woken and waits for it, and a
        // closed descriptor leaves an epoll set by itself; the loop then sees the flag and stops accepting.
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

    /// <summary>The loop, on its own thread; returns once the listener is closed and every connection gone.</summary>
    private protected abstract void Run();

    /// <summary>Releases what the loop used; called once, when the loop ends or a server never started is disposed.</summary>
    private protected virtual void ReleaseLoopResources() => WakeUp.Dispose();

    /// <summary>True (and the next sweep scheduled) when bounds are set and a sweep is due now.</summary>
    private protected bool SweepDue()
    {
        var now = Environment.TickCount64;
        if (!Sweeps || now < _nextSweep)
        {
            return false;
        }

        _nextSweep = now + (long)SweepInterval.TotalMilliseconds;
        return true;
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
}
