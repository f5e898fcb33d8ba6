namespace SocketServer;

/// <summary>
/// The concurrency models: who serves a connection, and on which thread. <see cref="ServerModels"/> names them
/// (<c>async</c>, …) and builds the server for each.
/// </summary>
public enum ServerModel
{
    /// <summary>One connection at a time, on the server's thread; the rest wait in the backlog (<see cref="TcpServer"/>).</summary>
    Sequential,

    /// <summary>A thread per connection (<see cref="ThreadingTcpServer"/>).</summary>
    Threading,

    /// <summary>A fixed pool of worker threads; connections beyond them wait (<see cref="WorkerPoolTcpServer"/>).</summary>
    Pool,

    /// <summary>One thread, <see cref="System.Net.Sockets.Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/> over every connection (<see cref="EventDriven.SelectServer"/>).</summary>
    Select,

    /// <summary>Async sockets, no thread per connection (<see cref="EventDriven.AsyncServer"/>).</summary>
    Async,

    /// <summary>One thread, Linux's epoll, the way Redis serves (<see cref="EventDriven.EpollServer"/>). Linux only.</summary>
    Epoll,
}
