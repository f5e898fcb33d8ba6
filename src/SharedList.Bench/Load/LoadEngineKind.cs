namespace SharedList.Bench.Load;

/// <summary>How the load engine drives its sockets (<c>sharedlist bench --engine</c>).</summary>
public enum LoadEngineKind
{
    /// <summary>A few threads, each running its own epoll loop over many non-blocking sockets (Linux).</summary>
    Epoll,

    /// <summary>.NET's async sockets: one <c>SocketAsyncEventArgs</c> pair per connection, completions on the thread pool.</summary>
    Async,
}
