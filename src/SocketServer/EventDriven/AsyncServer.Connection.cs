using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using SocketServer.Connections;
using SocketServer.Core;
using SocketServer.Internal;
using SocketServer.Sessions;
using SocketServer.Tls;

namespace SocketServer.EventDriven;

public sealed partial class AsyncServer
{
    /// <summary>
    /// One connection: a driver, with the bytes and readiness moved for it. On plain TCP it runs in bursts: each
    /// serves what has arrived and, when nothing more has, leaves its wait for bytes pending with the resumption to
    /// run when it completes, and returns. With TLS it is one <c>async</c> loop over the TLS stream.
    /// </summary>
    /// <remarks>
    /// <para>Why bursts rather than one <c>async</c> method awaiting each wait: an idle connection would hold that
    /// method's suspended state machine, its largest object (docs/BENCHMARKS.md, "Memory"). Here it holds this
    /// object, whose pending wait resumes it through one delegate shared by all connections.</para>
    /// <para>Threading: one burst at a time. A burst that leaves a wait pending touches nothing after, so the next
    /// may start on another thread as soon as the wait is left.</para>
    /// </remarks>
    private sealed class Connection(AsyncServer server, Socket socket, ConnectionContext context, ISession session)
        : ConnectionDriver(session, server.Options.Timeouts, server._buffers, counters: server.Core.Counters), IThreadPoolWorkItem, IDeadlineWatched, IRoundCommitWaiter
    {
        // One for every connection: an idle connection holds no resumption delegate of its own.
        private static readonly Action<object?> ResumeConnection = connection => ((Connection)connection!).Resume();

        private ReadinessWaiter? _readiness;
        private SslStream? _tls;
        private int _descriptor = -1;
        // Set by the sweeper when the deadline passed, with why: the input ending that the shutdown causes must not change it.
        private ExpiredDeadline? _expired;

        // Worth a receive: the wait for bytes completed, or the last receive filled all the room it had.
        private bool _readable;

        // The wait last left pending: its result is taken (and a failure thrown) when the next burst starts.
        private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _wait;
        private bool _waiting;

        // The resumption of a wait other than on our own epoll, made once per connection that needs one.
        private Action? _resume;

        /// <summary>
        /// Opens the connection and leaves it waiting for its first bytes. On our own epoll that is done here, on the
        /// accepting thread: it is only a registration and a few objects. Otherwise (a TLS handshake, a first
        /// receive) it is done on the thread pool.
        /// </summary>
        /// <remarks>Why not always on the thread pool: thousands of connections at once would queue thousands of work items, and the pool would add threads, each with its stack.</remarks>
        public void Start()
        {
            if (server._readiness is not null)
            {
                _ = OpenAsync();
            }
            else
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        void IThreadPoolWorkItem.Execute() => _ = OpenAsync();

        ConnectionDriver IRoundCommitWaiter.Driver => this;

        void IRoundCommitWaiter.ResumeAfterCommit() => Resume();

        void IDeadlineWatched.NoticeStall(long now) => server.Core.LogStallIfDue(context.RemoteEndPoint, this, now);

        void IDeadlineWatched.Expire()
        {
            if (Volatile.Read(ref _expired) is null && Interlocked.CompareExchange(ref _expired, ExpiredDeadline.Of(this), null) is null)
            {
                Abort(socket);
            }
        }

        private async Task OpenAsync()
        {
            try
            {
                if (server.Options.Tls is { } tls)
                {
                    _tls = await ServerTls.AuthenticateAsync(socket, tls).ConfigureAwait(false);
                }
                else if (server._readiness is { } reactors)
                {
                    // Received and sent straight on the descriptor: nothing but this connection uses the socket until it
                    // is released, and .NET's socket then keeps no state of its own for it.
                    _readiness = reactors.Watch(socket);
                    _descriptor = (int)socket.Handle;
                    NonBlockingIo.MakeNonBlocking(_descriptor);
                }
                else
                {
                    socket.Blocking = false;
                }
            }
            catch (Exception e)
            {
                // A failed handshake, epoll refusing the descriptor (out of kernel memory or watches), a server being
                // disposed, or a socket already broken.
                await EndAsync(e, reusable: true).ConfigureAwait(false);
                return;
            }

            server._deadlines?.Watch(this);
            await (_tls is null ? ServeAsync() : ServeTlsAsync()).ConfigureAwait(false);
        }

        private void Resume() => _ = ServeAsync();

        // A burst: until nothing more has arrived (then the wait is left pending and this returns) or the connection ends.
        private async Task ServeAsync()
        {
            var sending = false;
            try
            {
                while (true)
                {
                    if (AwaitingCommit)
                    {
                        // On a reactor, a quick commit waits for the round's end, made once for every connection the
                        // round served, as the event loop's; this burst ends and the round resumes it.
                        if (ReactorRoundCommits.Current is { } round && ReactorRoundCommits.CanWait(this))
                        {
                            round.Add(this);
                            return;
                        }

                        await WaitForCommitAsync().ConfigureAwait(false);
                        continue;
                    }

                    if (HasUnsent)
                    {
                        sending = true;
                        await SendAsync().ConfigureAwait(false);
                        sending = false;
                        continue;
                    }

                    if (IsComplete)
                    {
                        break;
                    }

                    if (!TryReceiveOrLeaveWaiting())
                    {
                        return;
                    }
                }
            }
            catch (Exception e)
            {
                // An asynchronous send that failed may still hold the buffers: they are not lent again.
                await EndAsync(e, reusable: !sending).ConfigureAwait(false);
                return;
            }

            await EndAsync(failure: null, reusable: true).ConfigureAwait(false);
        }

        // With TLS, an async loop over the stream; between messages it waits with a zero-byte read, holding no buffer.
        private async Task ServeTlsAsync()
        {
            var tls = _tls!;
            try
            {
                while (true)
                {
                    if (AwaitingCommit)
                    {
                        await WaitForCommitAsync().ConfigureAwait(false);
                        continue;
                    }

                    if (HasUnsent)
                    {
                        var unsent = Unsent;
                        await tls.WriteAsync(unsent).ConfigureAwait(false);
                        Sent(unsent.Length);
                        continue;
                    }

                    if (IsComplete)
                    {
                        break;
                    }

                    if (!HasBytesInFlight)
                    {
                        await tls.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
                    }

                    Received(await tls.ReadAsync(GetReceiveBuffer()).ConfigureAwait(false));
                }
            }
            catch (Exception e)
            {
                await EndAsync(e, reusable: false).ConfigureAwait(false);
                return;
            }

            await EndAsync(failure: null, reusable: true).ConfigureAwait(false);
        }

        // Sends the replies with non-blocking calls; only a send the client is not taking is awaited.
        private ValueTask SendAsync()
        {
            while (HasUnsent)
            {
                var unsent = Unsent.Span;
                var sent = _readiness is null
                    ? socket.Send(unsent, SocketFlags.None, out var error)
                    : NonBlockingIo.Send(_descriptor, unsent, out error);
                if (error == SocketError.WouldBlock)
                {
                    return SendWhenWritableAsync();
                }

                ThrowOnError(error);
                Sent(sent);
            }

            return ValueTask.CompletedTask;
        }

        private async ValueTask SendWhenWritableAsync()
        {
            while (HasUnsent)
            {
                Sent(await socket.SendAsync(Unsent, SocketFlags.None).ConfigureAwait(false));
            }
        }

        // False when nothing new has arrived: the wait is then left pending, with Resume to run when it completes.
        [SuppressMessage("Reliability", "CA2012", Justification = "An await by hand: the wait is kept until it completes and its result taken once, by the next burst.")]
        private bool TryReceiveOrLeaveWaiting()
        {
            while (true)
            {
                if (_waiting)
                {
                    _waiting = false;
                    var completed = _wait;
                    _wait = default;

                    // Throws what ended the wait (a reset connection, a reactor that stopped).
                    completed.GetResult();
                }

                if (_readable && TryReceive())
                {
                    return true;
                }

                // Readable once this completes: with bytes, at the end of the input, or with an error the receive reports.
                _readable = true;
                _wait = (_readiness?.WaitAsync() ?? socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None)).ConfigureAwait(false).GetAwaiter();
                _waiting = true;
                if (!_wait.IsCompleted)
                {
                    if (_readiness is null)
                    {
                        _wait.UnsafeOnCompleted(_resume ??= Resume);
                    }
                    else
                    {
                        // A pending wait on our own epoll is the waiter's current one; it takes the shared delegate.
                        _readiness.OnCompleted(ResumeConnection, this);
                    }

                    return false;
                }
            }
        }

        // False when nothing was there after all.
        private bool TryReceive()
        {
            var room = GetReceiveBuffer().Span;
            var received = _readiness is null
                ? socket.Receive(room, SocketFlags.None, out var error)
                : NonBlockingIo.Receive(_descriptor, room, out error);
            if (error == SocketError.WouldBlock)
            {
                CancelReceive();
                _readable = false;
                return false;
            }

            ThrowOnError(error);

            // Having filled its room, the receive probably left more queued: receive again before waiting. So too once
            // the peer half-closed: the end may be queued behind these bytes, and no edge would announce it.
            _readable = received == room.Length || _readiness is { InputEnding: true };
            Received(received);
            return true;
        }

        private async ValueTask EndAsync(Exception? failure, bool reusable)
        {
            var expired = Volatile.Read(ref _expired);
            if (failure is not null)
            {
                if (expired is null)
                {
                    server.Core.LogConnectionError(context.RemoteEndPoint, failure);
                }

                Abort(socket);
            }

            // The sweeper ended the connection by shutting its socket down: say why, not that the peer left.
            if (expired is not null)
            {
                server.Core.LogTimedOut(context.RemoteEndPoint, expired);
            }

            server._deadlines?.Unwatch(this);
            _readiness?.Dispose();
            Release(reusable);
            if (_tls is not null)
            {
                await ServerTls.CloseAsync(_tls).ConfigureAwait(false);
            }

            server.Core.Release(socket, context.RemoteEndPoint);
        }

        private static void ThrowOnError(SocketError error)
        {
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
        }
    }
}
