namespace SocketServer.Tests.Support;

/// <summary>The stream server models: the five of SPEC §2 and the epoll loop.</summary>
public enum Model
{
    /// <summary><see cref="TcpServer"/>: one connection at a time.</summary>
    Sequential,

    /// <summary><see cref="ThreadingTcpServer"/>: a thread per connection.</summary>
    Threading,

    /// <summary><see cref="ThreadPoolTcpServer"/>: a fixed number of workers.</summary>
    Pool,

    /// <summary><see cref="EventDriven.SelectServer"/>: one select loop.</summary>
    Select,

    /// <summary><see cref="EventDriven.AsyncServer"/>: async sockets and pipelines.</summary>
    Async,

    /// <summary><see cref="EventDriven.EpollServer"/>: one epoll loop (Linux).</summary>
    Epoll,
}
