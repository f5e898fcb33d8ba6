namespace SocketServer.Selectors;

/// <summary>What a <see cref="Selector"/> watches a socket for, and what it reports (Python's <c>EVENT_READ</c> and <c>EVENT_WRITE</c>, and epoll's flags).</summary>
[Flags]
public enum SelectorEvents
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Readable: bytes or the end of input to receive, or a connection to accept.</summary>
    Read = 1,

    /// <summary>Writable: room in the send buffer, or a non-blocking connect finished.</summary>
    Write = 2,

    /// <summary>Reported only: the socket has an error (epoll's <c>EPOLLERR</c>).</summary>
    Error = 4,

    /// <summary>Reported only: both directions are shut down (epoll's <c>EPOLLHUP</c>).</summary>
    HangUp = 8,

    /// <summary>The peer shut down its sending side (epoll's <c>EPOLLRDHUP</c>). Asked for and reported by <see cref="EpollSelector"/> only.</summary>
    PeerClosed = 16,

    /// <summary>
    /// Report each change of readiness once instead of for as long as it lasts (epoll's <c>EPOLLET</c>). Asked for
    /// only, with <see cref="EpollSelector"/>; the owner must then read or write until the call would block.
    /// </summary>
    EdgeTriggered = 32,
}
