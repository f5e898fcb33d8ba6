using System.Buffers;

namespace SocketServer.Sessions;

/// <summary>
/// The protocol side of one connection: bytes in, replies out. This is the one seam through which
/// every concurrency model (sequential, threading, pool, select, async) and every transport runs the
/// same protocol, so an implementation never sees a socket, a thread or a pipe.
/// </summary>
/// <remarks>
/// Threading: a server calls <see cref="Process"/> for one session from one thread at a time (never
/// concurrently), but not necessarily always from the same thread. A session therefore needs no locks
/// for its own state; state shared between sessions (a store) must be thread-safe.
/// Ownership: the session never keeps <c>input</c> or <c>output</c> beyond the call; the server owns both.
/// </remarks>
public interface ISession
{
    /// <summary>
    /// Handles as many complete messages as <paramref name="input"/> holds, writing each reply to
    /// <paramref name="output"/>.
    /// </summary>
    /// <param name="input">
    /// Every byte received and not yet consumed. On return it must be sliced to the bytes still unconsumed
    /// (an incomplete message); the server keeps them and calls again with more data appended.
    /// </param>
    /// <param name="inputCompleted">
    /// True when no more bytes will ever arrive: the peer half-closed its side, or this is a datagram.
    /// The session then decides what an incomplete trailing message means.
    /// </param>
    /// <param name="output">Where replies are written. The server sends them after the call returns.</param>
    /// <returns>
    /// <see cref="SessionStatus.Continue"/> to keep the connection; <see cref="SessionStatus.Close"/> to send
    /// what was written and then close it (for example when framing is lost); or
    /// <see cref="SessionStatus.OutputPending"/> to be called again, once what was written is sent, before any
    /// new bytes are awaited.
    /// </returns>
    SessionStatus Process(ref ReadOnlySequence<byte> input, bool inputCompleted, IBufferWriter<byte> output);
}
