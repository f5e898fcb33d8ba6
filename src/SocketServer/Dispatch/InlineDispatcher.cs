namespace SocketServer.Dispatch;

/// <summary>
/// Handles each request on the server's own thread, one at a time, as CPython's plain <c>TCPServer</c>
/// does: while one client is served, the next waits in the listen backlog.
/// </summary>
public sealed class InlineDispatcher : IRequestDispatcher
{
    /// <inheritdoc />
    public void Dispatch(Action request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request();
    }

    /// <inheritdoc />
    public void Close()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
