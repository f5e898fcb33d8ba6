using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketServer.Connections;
using SocketServer.Sessions;
using SocketServer.Tls;

namespace SocketServer.Core;

/// <summary>
/// What every TCP server does whatever its model: accept from the listener, keep the descriptor reserve, admit
/// or refuse a connection (<see cref="ServerOptions.MaxConnections"/>), track the open ones, and stop once: stop
/// accepting, drain, abort after the drain time or on demand, close. A model only decides who serves an admitted
/// connection and how.
/// </summary>
/// <remarks>Thread-safe: accept loops, connection threads and a stop may call it at once.</remarks>
[SuppressMessage("Design", "CA1001", Justification = "Its one disposable, a CancellationTokenSource with no timer, holds nothing to release.")]
internal sealed class ServerCore
{
    private readonly Lock _stopLock = new();
    private readonly CancellationTokenSource _aborted = new();
    private Task? _stopTask;
    private bool _stopping;

    private readonly LogThrottle _plainTextLog;
    private readonly LogThrottle _handshakeFailedLog;

    public ServerCore(ServerOptions options, ILogger logger)
    {
        Options = options;
        Logger = logger;
        Backoff = new AcceptBackoff(logger);
        _plainTextLog = new LogThrottle(skipped => logger.PlainTextOnTlsSkipped(skipped));
        _handshakeFailedLog = new LogThrottle(skipped => logger.TlsHandshakeFailedSkipped(skipped));
    }

    public ServerOptions Options { get; }

    public ILogger Logger { get; }

    /// <summary>The open connections.</summary>
    public ConnectionTracker Connections { get; } = new();

    /// <summary>What the server counts for its meter (<see cref="ServerMeter"/>).</summary>
    public ServerCounters Counters { get; } = new();

    /// <summary>The accept loop's pause after a failed accept; used by one accept loop at a time.</summary>
    public AcceptBackoff Backoff { get; }

    /// <summary>Fires once the open connections are aborted (<see cref="AbortAll"/>), for work a socket shutdown does not end.</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>True once a stop began: nothing more is admitted, and socket errors are expected.</summary>
    public bool IsStopping => Volatile.Read(ref _stopping);

    /// <summary>
    /// Every connection's local address when the listener is bound to one address: asking each accepted socket would
    /// cost a system call and three objects per connection. Null: ask each socket.
    /// </summary>
    public EndPoint? ListenerEndPoint
    {
        get;
        set => field = value is UnixDomainSocketEndPoint || value is IPEndPoint { Address: var address } && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any) ? value : null;
    }

    /// <summary>
    /// The next connection queued on the non-blocking <paramref name="listener"/>, or null when none is; as a socket
    /// that really blocks when <paramref name="blocking"/> (for a thread per connection). A connection accepted into
    /// the descriptor reserve is refused, and reported as a failed accept so the caller backs off.
    /// </summary>
    /// <exception cref="SocketException">The accept failed (out of descriptors, say): back off with <see cref="Backoff"/>.</exception>
    /// <exception cref="ObjectDisposedException">The listener was closed by a stop.</exception>
    public Socket? Accept(Socket listener, bool blocking)
    {
        Socket accepted;
        if (blocking)
        {
            if (BlockingAccept.TryAccept(listener) is not { } socket)
            {
                return null;
            }

            accepted = socket;
        }
        else
        {
            try
            {
                accepted = listener.Accept();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                return null;
            }
        }

        ThrowIfReserved(accepted);
        return accepted;
    }

    /// <summary>Refuses a connection that took one of the reserved descriptors, and says so as a failed accept would.</summary>
    /// <exception cref="SocketException">The connection was in the reserve and is closed.</exception>
    public void ThrowIfReserved(Socket accepted)
    {
        if (DescriptorReserve.IsReserved(accepted))
        {
            Counters.CountRefusedReserve();
            SocketClose.Reject(accepted, RejectionBytes);
            throw DescriptorReserve.Exhausted();
        }
    }

    /// <summary>
    /// For the single-threaded loops: accepts what the non-blocking listener has queued, at most
    /// <paramref name="limit"/>, admits each and hands it, non-blocking, to <paramref name="serve"/>.
    /// </summary>
    /// <returns>The failure that should pause accepting (out of descriptors, say), or null.</returns>
    public SocketException? AcceptQueued(Socket listener, int limit, Action<Socket, ConnectionContext> serve)
    {
        for (var i = 0; i < limit; i++)
        {
            Socket? accepted;
            try
            {
                accepted = Accept(listener, blocking: false);
            }
            catch (Exception e) when (IsStopping && e is ObjectDisposedException or SocketException)
            {
                // The listener was closed by a stop while the loop found it ready.
                return null;
            }
            catch (SocketException e)
            {
                return e;
            }

            if (accepted is null)
            {
                return null;
            }

            Backoff.Succeeded();
            accepted.Blocking = false;
            Listener.DisableNagle(accepted);
            if (Admit(accepted) is { } connection)
            {
                serve(accepted, connection);
            }
        }

        return null;
    }

    /// <summary>
    /// Tracks an accepted connection and returns its context, or refuses it: when a stop began (closed at once), when
    /// the connection limit is passed, or when <paramref name="verify"/> says no (sent
    /// <see cref="ServerOptions.RejectionReply"/>, then closed).
    /// </summary>
    public ConnectionContext? Admit(Socket accepted, Func<Socket, EndPoint, bool>? verify = null)
    {
        var id = Connections.Add(accepted);
        var client = UnnamedUnixClient.Of(accepted.RemoteEndPoint!);

        // Tracked first and checked second, so a stop that set the flag before aborting the open connections either
        // sees this one or is seen here: none escapes the abort.
        if (IsStopping)
        {
            SocketClose.Gracefully(accepted);
            Connections.Remove(accepted);
            return null;
        }

        var allowed = verify?.Invoke(accepted, client) ?? WithinLimit;
        if (!allowed)
        {
            if (WithinLimit)
            {
                Counters.CountRefusedVerify();
                Logger.ConnectionNotVerified(client);
            }
            else
            {
                Counters.CountRefusedLimit();
                Logger.ConnectionRefused(client, Options.MaxConnections);
            }

            SocketClose.Reject(accepted, RejectionBytes);
            Connections.Remove(accepted);
            return null;
        }

        Counters.CountAccepted();
        Logger.ClientConnected(client, id);
        return new ConnectionContext(id, client, ListenerEndPoint ?? accepted.LocalEndPoint!, TransportKind.Stream);
    }

    /// <summary>True while the open connections, the newest included, are within <see cref="ServerOptions.MaxConnections"/>.</summary>
    public bool WithinLimit => Connections.Count <= Options.MaxConnections;

    /// <summary>Closes an admitted connection gracefully and forgets it.</summary>
    public void Release(Socket socket, EndPoint client)
    {
        SocketClose.Gracefully(socket);
        Forget(socket, client);
    }

    /// <summary>Forgets an admitted connection that its owner has closed.</summary>
    public void Forget(Socket socket, EndPoint client)
    {
        if (Connections.Remove(socket))
        {
            Logger.ClientDisconnected(client);
        }
    }

    /// <summary>
    /// Logs why a connection ended abnormally, at the level it deserves: a client that failed the TLS handshake is an
    /// operator's business (Information or Warning), but one a client could repeat at will, so rate-limited.
    /// </summary>
    public void LogConnectionError(EndPoint client, Exception exception)
    {
        switch (exception)
        {
            case TlsHandshakeException { Refusal: TlsRefusal.PlainText }:
                if (_plainTextLog.TryLog())
                {
                    Logger.PlainTextOnTls(client);
                }

                break;
            case TlsHandshakeException { Refusal: TlsRefusal.Failed } failed:
                if (_handshakeFailedLog.TryLog())
                {
                    Logger.TlsHandshakeFailed(client, failed.Message);
                }

                break;
            default:
                Logger.ConnectionError(client, exception);
                break;
        }
    }

    /// <summary>Logs a connection closed for its deadline, with what its session makes of the stall.</summary>
    public void LogTimedOut(EndPoint client, ConnectionDriver driver) => LogTimedOut(client, ExpiredDeadline.Of(driver));

    /// <summary>Logs a connection closed for a deadline whose account was taken when it passed.</summary>
    public void LogTimedOut(EndPoint client, ExpiredDeadline deadline)
    {
        if (deadline.Description is { } description)
        {
            Logger.ConnectionTimedOutDescribed(client, deadline.Reason, deadline.Bound.TotalSeconds, description);
        }
        else
        {
            Logger.ConnectionTimedOut(client, deadline.Reason, deadline.Bound.TotalSeconds);
        }
    }

    /// <summary>Logs, once per connection, a stall its session can explain, when it is due (<see cref="ServerOptions.StallNotice"/>).</summary>
    public void LogStallIfDue(EndPoint client, ConnectionDriver driver, long now)
    {
        if (driver.TakeStallNotice(now) is { } description)
        {
            Logger.ConnectionStalled(client, driver.StallNoticeBound.TotalSeconds, description);
        }
    }

    /// <summary>Reports the server's counters on <see cref="ServerMeter"/> under its bound address, until it stops.</summary>
    public void Publish(EndPoint bound) => ServerMeter.Join(this, bound.ToString()!);

    /// <summary>Marks the server stopping: from now on nothing is admitted, and its counters are no longer reported.</summary>
    public void BeginStopping()
    {
        Volatile.Write(ref _stopping, true);
        ServerMeter.Leave(this);
    }

    /// <summary>
    /// Stops once (later calls get the first one's task): <paramref name="stopAccepting"/>, then waits until every
    /// connection has left, aborts those still open after <paramref name="drainTimeout"/> or as soon as
    /// <paramref name="abortNow"/> fires, then <paramref name="close"/>.
    /// </summary>
    public Task StopAsync(Action stopAccepting, Func<Task> close, TimeSpan drainTimeout, CancellationToken abortNow)
    {
        lock (_stopLock)
        {
            BeginStopping();
            return _stopTask ??= StopOnceAsync(stopAccepting, close, drainTimeout, abortNow);
        }
    }

    /// <summary>Ends every open connection at once; each one's owner then closes it by its usual path.</summary>
    public void AbortAll()
    {
        Connections.AbortAll();
        _aborted.Cancel();
    }

    // The refusal goes out before any TLS handshake, where a TLS client could not read it.
    private ReadOnlySpan<byte> RejectionBytes => Options.Tls is null ? Options.RejectionReply.Span : default;

    private async Task StopOnceAsync(Action stopAccepting, Func<Task> close, TimeSpan drainTimeout, CancellationToken abortNow)
    {
        stopAccepting();
        using (var drain = CancellationTokenSource.CreateLinkedTokenSource(abortNow))
        {
            drain.CancelAfter(drainTimeout);
            try
            {
                await Connections.WaitUntilEmptyAsync(drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (abortNow.IsCancellationRequested)
                {
                    Logger.Aborting(Connections.Count);
                }
                else
                {
                    Logger.DrainTimedOut(Connections.Count);
                }

                AbortAll();
            }
        }

        await close().ConfigureAwait(false);
    }
}
