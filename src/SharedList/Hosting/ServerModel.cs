namespace SharedList.Hosting;

/// <summary>The concurrency models the service runs on (<c>sharedlist serve --model</c>).</summary>
public enum ServerModel
{
    /// <summary>One connection at a time: <c>TcpServer</c> / <c>UdpServer</c>.</summary>
    Sequential,

    /// <summary>A thread per connection (or datagram): <c>ThreadingTcpServer</c> / <c>ThreadingUdpServer</c>.</summary>
    Threading,

    /// <summary>A fixed pool of worker threads: <c>ThreadPoolTcpServer</c>.</summary>
    Pool,

    /// <summary>One thread, <c>Socket.Select</c>: <c>SelectServer</c>.</summary>
    Select,

    /// <summary>Async sockets and Pipelines: <c>AsyncServer</c>.</summary>
    Async,

    /// <summary>One thread, Linux's epoll, the way Redis serves: <c>EpollServer</c>. Linux only.</summary>
    Epoll,
}
