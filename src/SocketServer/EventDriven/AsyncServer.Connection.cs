using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using SocketServer.Internal;
using SocketServer.Sessions;

namespace SocketServer.EventDriven;

public sealed partial class AsyncServer
{
    /// <summary>
    /// One connection's loop, run in bursts: each serves what has arrived and, when nothing more has, leaves
    /// its wait for bytes with the resumption to run when it completes, and returns.
    /// </summary>
    /// <remarks>
    /// <para>Why not one <c>async</c> method awaiting each wait: an idle connection would hold that method's
    /// suspended state machine, the largest object it has (docs/BENCHMARKS.md, "Memory"). Here it holds this
    /// object, whose pending wait resumes it through one delegate shared by all connections; a burst allocates
    /// nothing unless a send has to wait.</para>
    /// <para>Threading: one burst at a time. A burst that leaves a wait pending touches nothing after, so the
    /// next burst may start on another thread as soon as the wait is left.</para>
    /// </remarks>
    private sealed class Connection(AsyncServer server, Socket socket, ConnectionContext context) : IThreadPoolWorkItem
    {
        // One for every connection: an idle connection holds no resumption delegate of its own.
        private static readonly Action<object?> ResumeConnection = connection => ((Connection)connection!).Resume();

        private AsyncConnectionIo? _io;
        private ISession? _session;

        // A WatchedConnection when the server has deadlines to enforce.
        private ProgressClock? _clock;

        // The wait last left pending: its result is taken (and a failure thrown) when the next burst starts.
        private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _wait;
        private bool _waiting;

        /// <summary>
        /// Opens the connection and leaves it waiting for its first bytes. On our own epoll that is done here, on
        /// the accepting thread: it takes no system call but the registration, and the session first runs when
        /// the reactor sees bytes, on the reactor's thread. Otherwise (a TLS handshake, a first receive) it is
        /// done on the thread pool.
        /// </summary>
        /// <remarks>
        /// Why not always on the thread pool: thousands of connections arriving at once queue thousands of work
        /// items, and the pool adds threads to get through them, each with its stack and allocator memory.
        /// </remarks>
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

        private async Task OpenAsync()
        {
            if (await server.OpenAsync(socket, context).ConfigureAwait(false) is not { } io)
            {
                return;
            }

            _io = io;
            _clock = server._deadlines?.Watch(server.Options.Timeouts, socket) ?? new ProgressClock(server.Options.Timeouts);
            try
            {
                _session = server.Sessions.CreateSession(context);
            }
            catch (Exception e)
            {
                await EndAsync(e).ConfigureAwait(false);
                return;
            }

            await ServeAsync().ConfigureAwait(false);
        }

        private void Resume() => _ = ServeAsync();

        // A burst: until nothing more has arrived (then the wait is left pending and this returns) or the
        // connection ends.
        private async Task ServeAsync()
        {
            var io = _io!;
            var session = _session!;
            var clock = _clock!;

            // The peer takes no more replies: end without sending the rest. Ended outside the try, so that a
            // failure while ending is not taken for a failure while serving and the connection ended twice.
            var peerGone = false;
            try
            {
                while (true)
                {
                    if (!TryReadOrLeaveWaiting(io, out var result))
                    {
                        return;
                    }

                    var buffer = result.Buffer;
                    var received = buffer.Length;
                    var status = session.Process(ref buffer, result.IsCompleted, io.Output);
                    while (status == SessionStatus.OutputPending)
                    {
                        // The read buffer stays valid until it is consumed: send this chunk, then let the session go on.
                        clock.Update(inFlight: true, progressed: buffer.Length < received);
                        received = buffer.Length;
                        if (!await io.SendAsync().ConfigureAwait(false))
                        {
                            peerGone = true;
                            break;
                        }

                        clock.Update(inFlight: true, progressed: true);
                        status = session.Process(ref buffer, result.IsCompleted, io.Output);
                    }

                    if (peerGone)
                    {
                        break;
                    }

                    var unconsumed = buffer.Length;
                    clock.Update(inFlight: unconsumed > 0 || io.UnsentBytes > 0, progressed: unconsumed < received);

                    // Consumed up to what the session left; examined everything, so the next read waits for new bytes.
                    io.Consume(buffer);
                    if (io.UnsentBytes > 0)
                    {
                        if (!await io.SendAsync().ConfigureAwait(false))
                        {
                            peerGone = true;
                            break;
                        }

                        clock.Update(inFlight: unconsumed > 0, progressed: true);
                    }

                    if (status == SessionStatus.Close || result.IsCompleted)
                    {
                        break;
                    }
                }
            }
            catch (Exception e)
            {
                await EndAsync(e).ConfigureAwait(false);
                return;
            }

            await EndAsync(failure: null, clean: !peerGone).ConfigureAwait(false);
        }

        // False when nothing new has arrived: the wait is then left pending, with Resume to run when it completes.
        [SuppressMessage("Reliability", "CA2012", Justification = "An await by hand: the wait is kept until it completes and its result taken once, by the next burst.")]
        private bool TryReadOrLeaveWaiting(AsyncConnectionIo io, out ReadResult result)
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

                if (io.TryRead(out result))
                {
                    return true;
                }

                _wait = io.WaitAsync().ConfigureAwait(false).GetAwaiter();
                _waiting = true;
                if (!_wait.IsCompleted)
                {
                    io.ResumeWhenCompleted(_wait, ResumeConnection, this);
                    return false;
                }
            }
        }

        private ValueTask EndAsync(Exception failure) => EndAsync(failure, clean: false);

        private async ValueTask EndAsync(Exception? failure, bool clean)
        {
            var deadline = _clock as WatchedConnection;
            if (failure is not null)
            {
                if (deadline is not { Expired: true })
                {
                    server.LogConnectionError(context, failure);
                }

                Abort(socket);
            }

            // The sweeper ended the connection by shutting its socket down: say why, not that the peer left.
            if (deadline is { Expired: true })
            {
                server.LogConnectionTimeout(context, deadline);
            }

            deadline?.Dispose();
            await _io!.CompleteAsync(clean).ConfigureAwait(false);
            server.Release(socket, context);
        }
    }
}
