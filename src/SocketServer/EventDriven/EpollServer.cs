using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SocketServer.Internal;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

/// <summary>
/// The lab's select loop done the way Redis does it, on Linux's epoll: one thread, non-blocking sockets, the
/// kernel told once what to watch instead of every iteration. Each round, every ready connection gets one
/// receive into the loop's one buffer and its session; then each gets one send of all its replies.
/// </summary>
/// <remarks>
/// <para>Cost: an event costs the same however many connections are open, so it scales where
/// <see cref="SelectServer"/> cannot; and a connection holds no buffer between events unless it has an
/// unfinished message or unsent replies, so idle connections are cheap.</para>
/// <para>Back-pressure: a client whose replies are not yet sent is not read from until they are, so a
/// client that stops reading holds up only itself. One long reply is written a budget per event, taking
/// turns with other clients.</para>
/// <para>Timeouts are checked by a sweep every <see cref="LoopServer.SweepInterval"/>, as Redis's cron does, so a
/// deadline is met within that much.</para>
/// <para>Linux only; no TLS, for the reason <see cref="SelectServer"/> gives.</para>
/// <para>Threading: all sessions run on the loop's thread; <see cref="IServer.StopAsync"/> may be called
/// from any thread and reaches the loop through a wake-up socket.</para>
/// </remarks>
public sealed unsafe class EpollServer : LoopServer
{
    private const int AcceptsPerIteration = 64;
    private const int MaxEvents = 512;
    private const ulong WakeUpData = ulong.MaxValue;
    private const ulong ListenerData = ulong.MaxValue - 1;

    // Replies held for the end of a round are sent early past this, bounding the shared buffer.
    private const int FlushThreshold = 1024 * 1024;

    private readonly Stack<int> _freeSlots = new();
    private readonly List<EpollClient> _served = [];
    private readonly int _epoll;
    private EpollClient?[] _clients = new EpollClient?[64];
    private int _slotsUsed;
    private int _clientCount;
    private long _acceptPausedUntil;
    private bool _listenerClosed;
    private bool _listenerWatched;

    /// <summary>Binds and listens; call <see cref="IServer.Start"/> to begin serving.</summary>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for TLS, which this loop cannot offer.</exception>
    public EpollServer(EndPoint endPoint, ISessionFactory sessions, ServerOptions? options = null, ILogger? logger = null)
        : base(endPoint, sessions, Refuse(options), logger, "epoll-loop")
    {
        try
        {
            _epoll = Epoll.Create();
            Epoll.Add(_epoll, (int)WakeUp.Socket.Handle, Epoll.In, WakeUpData);
            Epoll.Add(_epoll, (int)ListenSocket.Handle, Epoll.In, ListenerData);
            _listenerWatched = true;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static ServerOptions? Refuse(ServerOptions? options)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("EpollServer needs Linux's epoll; use AsyncServer or SelectServer elsewhere.");
        }

        return options?.Tls is null
            ? options
            : throw new ArgumentException("EpollServer cannot serve TLS: its loop does non-blocking socket I/O and .NET has no non-blocking TLS; use AsyncServer.", nameof(options));
    }

    private protected override void Run()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * Epoll.EventSize));
        var shared = new EpollBuffers();
        try
        {
            while (true)
            {
                if (StopRequested)
                {
                    _listenerClosed = true;
                }

                if (_listenerClosed && _clientCount == 0)
                {
                    return;
                }

                ResumeAcceptingIfDue();
                var count = Epoll.Wait(_epoll, events, MaxEvents, WaitMilliseconds());
                for (var i = 0; i < count; i++)
                {
                    var data = Epoll.DataAt(events, i);
                    if (data == WakeUpData)
                    {
                        WakeUp.Drain();
                    }
                    else if (data == ListenerData)
                    {
                        AcceptPending();
                    }
                    else if (_clients[(int)data] is { } client)
                    {
                        Serve(client, shared);
                    }
                }

                FlushReplies(shared);

                if (SweepDue())
                {
                    CloseExpired();
                }
            }
        }
        catch (Exception e)
        {
            Logger.LogCritical(e, "The epoll loop failed; closing every connection");
            for (var slot = 0; slot < _slotsUsed; slot++)
            {
                if (_clients[slot] is { } client)
                {
                    Close(client);
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }

    /// <inheritdoc />
    private protected override void ReleaseLoopResources()
    {
        base.ReleaseLoopResources();
        if (_epoll > 0)
        {
            Epoll.Close(_epoll);
        }
    }

    // Until the next sweep or the end of an accept pause, whichever is first; forever when neither applies.
    private int WaitMilliseconds()
    {
        var now = Environment.TickCount64;
        var until = long.MaxValue;
        if (Sweeps)
        {
            until = NextSweep;
        }

        if (!_listenerWatched && !_listenerClosed)
        {
            until = Math.Min(until, _acceptPausedUntil);
        }

        return until == long.MaxValue ? -1 : (int)Math.Clamp(until - now, 0, int.MaxValue);
    }

    // Serves one ready connection; its replies wait in the shared buffer for FlushReplies.
    private void Serve(EpollClient client, EpollBuffers shared)
    {
        try
        {
            if (client.WantsToWrite)
            {
                client.OnWritable(shared);
            }
            else
            {
                client.OnReadable(shared);
            }

            _served.Add(client);
        }
        catch (Exception e)
        {
            // Whatever it wrote into the shared buffer is never sent: it is not in _served.
            LogConnectionError(client.Connection, e);
            Close(client);
        }

        if (shared.Output.WrittenCount >= FlushThreshold)
        {
            FlushReplies(shared);
        }
    }

    // Sends every served connection's replies, one send each, after all ready connections were read: as Redis
    // does before it sleeps. Clients get their replies in a burst, so the load generator (or any client
    // process with many connections) wakes once for many replies rather than once for each.
    private void FlushReplies(EpollBuffers shared)
    {
        foreach (var client in _served)
        {
            if (_clients[client.Slot] != client)
            {
                continue;
            }

            bool keepOpen;
            try
            {
                keepOpen = client.FlushReplies(shared);
                if (keepOpen)
                {
                    var interest = client.WantsToWrite ? Epoll.Out : Epoll.In;
                    if (interest != client.Interest)
                    {
                        Epoll.Modify(_epoll, client.Descriptor, interest, (ulong)client.Slot);
                        client.Interest = interest;
                    }
                }
            }
            catch (Exception e)
            {
                LogConnectionError(client.Connection, e);
                keepOpen = false;
            }

            if (!keepOpen)
            {
                Close(client);
            }
        }

        _served.Clear();
        shared.ResetOutput();
    }

    private void AcceptPending()
    {
        if (AcceptQueued(AcceptsPerIteration, AcceptBackoff, Watch) is { } failure)
        {
            BackOff(failure);
        }
    }

    private void Watch(Socket accepted, ConnectionContext connection)
    {
        var slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slotsUsed++;
        if (slot == _clients.Length)
        {
            Array.Resize(ref _clients, _clients.Length * 2);
        }

        var client = new EpollClient(accepted, slot, Sessions.CreateSession(connection), connection, Options.Timeouts);
        _clients[slot] = client;
        _clientCount++;
        try
        {
            Epoll.Add(_epoll, client.Descriptor, Epoll.In, (ulong)slot);
        }
        catch (InvalidOperationException e)
        {
            // The kernel's limit on watched descriptors (fs.epoll.max_user_watches) or its memory ran out.
            Logger.LogError("Cannot watch {Client}: {Reason}", connection.RemoteEndPoint, e.Message);
            Close(client);
        }
    }

    private void BackOff(SocketException failure)
    {
        AcceptBackoff.Failed(failure);
        _acceptPausedUntil = Environment.TickCount64 + (long)AcceptBackoff.Pause.TotalMilliseconds;

        // Level-triggered: a listener left in the set would wake the loop at once, again and again.
        _listenerWatched = false;
        try
        {
            Epoll.Delete(_epoll, (int)ListenSocket.Handle);
        }
        catch (ObjectDisposedException) when (StopRequested)
        {
            // Closed by StopAccepting meanwhile, which removed it from the set.
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
            Epoll.Add(_epoll, (int)ListenSocket.Handle, Epoll.In, ListenerData);
            _listenerWatched = true;
        }
        catch (ObjectDisposedException) when (StopRequested)
        {
            // Stopped during the pause: nothing to resume.
        }
    }

    private void CloseExpired()
    {
        for (var slot = 0; slot < _slotsUsed; slot++)
        {
            if (_clients[slot] is { } client && client.Clock.Remaining() <= TimeSpan.Zero)
            {
                LogConnectionTimeout(client.Connection, client.Clock);
                Close(client);
            }
        }
    }

    private void Close(EpollClient client)
    {
        try
        {
            Epoll.Delete(_epoll, client.Descriptor);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // Never watched (the add failed) or already closed: closing removes it from the set anyway.
        }

        _clients[client.Slot] = null;
        client.Release();
        _freeSlots.Push(client.Slot);
        _clientCount--;
        Release(client.Socket, client.Connection);
    }
}
