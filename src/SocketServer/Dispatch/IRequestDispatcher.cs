namespace SocketServer.Dispatch;

/// <summary>
/// The concurrency model of a Python-style server: decides on which thread a request is handled.
/// This is what CPython expresses with mix-ins (<c>ThreadingMixIn</c>); here a server is composed
/// from a transport (<see cref="TcpServer"/>, <see cref="UdpServer"/>) and one of these.
/// </summary>
public interface IRequestDispatcher : IDisposable
{
    /// <summary>Runs <paramref name="request"/> (which never throws) now or on another thread.</summary>
    /// <remarks>Called only from the thread running the server's loop.</remarks>
    void Dispatch(Action request);

    /// <summary>
    /// Called by <see cref="BaseServer.ServerClose"/>: waits for dispatched requests to finish when the model
    /// promises that (<see cref="ThreadPerRequestDispatcher.BlockOnClose"/>), and releases threads.
    /// </summary>
    void Close();
}
